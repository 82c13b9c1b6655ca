/**
 * The requests e2e/companion.spec.ts makes to the e2e Django site's two worker processes (A and B), and the counts the
 * Django companion must report for them, per alias and namespace. The one place these numbers live.
 *
 * What one request costs, as Django 3.2 does it (e2e/django/shop/cs_views.py):
 * - products (DRF view under cache_page, route cs:product-list): cold, 1 miss (the cache_header key) + 2 sets (header
 *   and page); warm, 2 hits (header and page).
 * - fragment ({% cache 600 cs_sidebar run %}): cold, 1 miss + 1 set; warm, 1 hit.
 * - session (Django's cache session backend via SessionMiddleware, the view adds 1 to a counter):
 *   no cookie: 1 add (a new session; the key-collision check is has_key, not counted);
 *   a known cookie: 1 hit (load) + 1 hit (save checks the entry is there) + 1 set;
 *   an unknown cookie: 1 miss (load) + 1 add (a new session).
 * - catalog/<item>: cache.get("catalog:<item>"), cold: 1 miss + 1 set; warm: 1 hit. catalog/<item>/drop: 1 delete.
 * Every key carries the run's id, so each run starts cold however often the spec runs against the same servers.
 */

export type Worker = "A" | "B";
export type SessionCookie = "none" | "known" | "unknown";

export interface Call {
  worker: Worker;
  /** Under /cs/<alias>/, before the run id is put in. */
  what: "products" | "fragment" | "session" | "catalog" | "drop";
  item?: string;
  cookie?: SessionCookie;
}

export interface Counts {
  hits: number;
  misses: number;
  sets: number;
  adds: number;
  deletes: number;
}

export interface Expected extends Counts {
  kind: "view" | "fragment" | "session" | "key";
}

export interface AliasPlan {
  alias: string;
  what: string;
  calls: Call[];
  /** Namespace → what this run adds to it; no other namespace of the alias may change. */
  expected: Record<string, Expected>;
}

const counts = (kind: Expected["kind"], c: Partial<Counts>): Expected => ({ kind, hits: 0, misses: 0, sets: 0, adds: 0, deletes: 0, ...c });

/** The same sequence on each alias whose store both workers share (Redis, memcached, FileBasedCache). */
const SHARED_CALLS: Call[] = [
  // 5 × products: the first (A) is cold, the other 4 warm whichever worker serves them.
  ...(["A", "B", "A", "B", "A"] as const).map((worker): Call => ({ worker, what: "products" })),
  // 4 × fragment: the first (B) cold, 3 warm.
  ...(["B", "A", "B", "A"] as const).map((worker): Call => ({ worker, what: "fragment" })),
  // A session made on A, used on B and A, then a cookie nobody issued on B.
  { worker: "A", what: "session", cookie: "none" },
  { worker: "B", what: "session", cookie: "known" },
  { worker: "A", what: "session", cookie: "known" },
  { worker: "B", what: "session", cookie: "unknown" },
  // catalog: 1 cold, 1 warm, 2 cold, 1 warm, 2 warm, 1 dropped, 1 cold again.
  { worker: "A", what: "catalog", item: "1" },
  { worker: "B", what: "catalog", item: "1" },
  { worker: "A", what: "catalog", item: "2" },
  { worker: "B", what: "catalog", item: "1" },
  { worker: "A", what: "catalog", item: "2" },
  { worker: "B", what: "drop", item: "1" },
  { worker: "A", what: "catalog", item: "1" },
];

const SHARED_EXPECTED: Record<string, Expected> = {
  "cs:product-list": counts("view", { misses: 1, sets: 2, hits: 4 * 2 }),
  "fragment:cs_sidebar": counts("fragment", { misses: 1, sets: 1, hits: 3 }),
  session: counts("session", { adds: 2, hits: 2 + 2, sets: 2, misses: 1 }),
  catalog: counts("key", { misses: 3, sets: 3, hits: 3, deletes: 1 }),
};

export const PLANS: AliasPlan[] = [
  { alias: "cs_redis", what: "Redis (django-redis)", calls: SHARED_CALLS, expected: SHARED_EXPECTED },
  { alias: "cs_mc", what: "memcached (PyMemcacheCache)", calls: SHARED_CALLS, expected: SHARED_EXPECTED },
  { alias: "cs_files", what: "FileBasedCache", calls: SHARED_CALLS, expected: SHARED_EXPECTED },
  {
    // Each worker has its own LocMemCache: each is cold once. Counters in a directory sink.
    alias: "cs_local",
    what: "LocMemCache (directory sink)",
    calls: [
      ...(["A", "B", "A", "B", "A"] as const).map((worker): Call => ({ worker, what: "products" })),
      { worker: "A", what: "catalog", item: "1" },
      { worker: "B", what: "catalog", item: "1" },
      { worker: "A", what: "catalog", item: "1" },
    ],
    expected: {
      // A: cold, warm, warm; B: cold, warm.
      "cs:product-list": counts("view", { misses: 2, sets: 2 * 2, hits: 3 * 2 }),
      // A cold, B cold, A warm.
      catalog: counts("key", { misses: 2, sets: 2, hits: 1 }),
    },
  },
  {
    // DummyCache stores nothing: every get misses, every set is still a set. Counters sunk into the cs_redis alias.
    alias: "cs_dummy",
    what: "DummyCache (sink: another alias)",
    calls: [
      ...(["A", "B", "A"] as const).map((worker): Call => ({ worker, what: "products" })),
      { worker: "A", what: "catalog", item: "1" },
      { worker: "B", what: "catalog", item: "1" },
    ],
    expected: {
      "cs:product-list": counts("view", { misses: 3, sets: 3 * 2 }),
      catalog: counts("key", { misses: 2, sets: 2 }),
    },
  },
];

/** The alias whose "from Django" ratio the home page must show: hits 6 + 1, misses 2 + 2 → 7 / 11. */
export const HOME_ALIAS = "cs_local";

export function pathOf(alias: string, call: Call, run: string): string {
  const base = `/cs/${alias}`;
  switch (call.what) {
    case "products":
      return `${base}/products/?run=${run}`;
    case "fragment":
      return `${base}/fragment/?run=${run}`;
    case "session":
      return `${base}/session/`;
    case "catalog":
      return `${base}/catalog/${run}-${call.item}/`;
    case "drop":
      return `${base}/catalog/${run}-${call.item}/drop/`;
  }
}
