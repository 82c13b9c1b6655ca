import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { HOME_ALIAS, PLANS, pathOf, type AliasPlan, type Call, type Counts, type Expected, type Worker } from "./companion-plan";
import { COMPANION_SINKS, DJANGO_WORKER_PORTS, ROOT, TOKEN } from "./env";

/**
 * The Django companion end to end: the real e2e Django + DRF site with `cachescope_django` installed, served by two
 * worker processes sharing each cache, takes the scripted requests of e2e/companion-plan.ts; the console's API and
 * pages must then show exactly the hits, misses, sets, adds and deletes that plan says, per alias and namespace, on
 * Redis, memcached, FileBasedCache, and a LocMemCache and a DummyCache whose counters go to sinks.
 *
 * Counts are compared as what this run added (the aliases are the spec's own, but their counters outlive a run when
 * the servers are reused), and every key carries this run's id so each run starts cold.
 */

const RUN = Date.now().toString(36);
const HOST = "shop.test"; // one host name for both workers, as behind a load balancer (cache_page keys hash the URL)
const WINDOW_S = 3600;
const auth = { Authorization: `Bearer ${TOKEN}` };
const PERCENTILES = /^p50 [\d.]+ (µs|ms|s) · p95 [\d.]+ (µs|ms|s) · p99 [\d.]+ (µs|ms|s)$/;

interface NsRow extends Counts {
  name: string;
  kind: string;
  hitRatio: number | null;
}
interface NsAnswer {
  source: "django" | null;
  reason?: string;
  namespaces: NsRow[];
  total: { hits: number; misses: number };
}

type Snapshot = Map<string, NsRow>;
const FIELDS = ["hits", "misses", "sets", "adds", "deletes"] as const;

async function namespaces(request: APIRequestContext, alias: string, window: number): Promise<NsAnswer> {
  const res = await request.get(`/api/caches/${alias}/namespaces?window=${window}`, { headers: auth });
  expect(res.status(), `namespaces of ${alias}: ${await res.text()}`).toBe(200);
  return (await res.json()) as NsAnswer;
}

async function snapshot(request: APIRequestContext, alias: string): Promise<Snapshot> {
  return new Map((await namespaces(request, alias, WINDOW_S)).namespaces.map((n) => [n.name, n]));
}

/** What changed between two snapshots, namespace by namespace (unchanged ones left out). */
function delta(before: Snapshot, after: Snapshot): Record<string, Expected | (Counts & { kind: string })> {
  const out: Record<string, Counts & { kind: string }> = {};
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const a = after.get(name);
    const b = before.get(name);
    const d = Object.fromEntries(FIELDS.map((f) => [f, (a?.[f] ?? 0) - (b?.[f] ?? 0)])) as unknown as Counts;
    if (FIELDS.some((f) => d[f] !== 0)) out[name] = { kind: a?.kind ?? b?.kind ?? "?", ...d };
  }
  return out;
}

/** A ratio as the console writes it: one decimal, none for 0% and 100%. */
function percent(hits: number, gets: number): string {
  const r = hits / gets;
  return `${(r * 100).toFixed(r >= 0.9995 || r === 0 ? 0 : 1)}%`;
}

interface Reply {
  status: number;
  body: string;
  sessionId: string | null;
}

/** One request to a worker, with the Host header both share (node:http: fetch may not set Host). */
function get(port: number, urlPath: string, cookie?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: HOST, Accept: "application/json" };
    if (cookie) headers.Cookie = cookie;
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        const set = (res.headers["set-cookie"] ?? []).map((c) => /^sessionid=([^;]*)/.exec(c)?.[1]).find(Boolean);
        resolve({ status: res.statusCode ?? 0, body, sessionId: set ?? null });
      });
    });
    req.on("error", reject);
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });
}

interface DjangoWorker {
  name: Worker;
  port: number;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startWorker(name: Worker, port: number): DjangoWorker {
  // The companion installed without pip: its package directory on PYTHONPATH; settings_companion lists it in INSTALLED_APPS.
  const child = spawn("/usr/bin/python3", [path.join(ROOT, "e2e", "django", "serve.py"), "--port", String(port)], {
    cwd: ROOT,
    env: {
      ...process.env,
      PYTHONPATH: path.join(ROOT, "integrations", "django"),
      DJANGO_SETTINGS_MODULE: "shop.settings_companion",
      CACHESCOPE_E2E_SINKS: JSON.stringify(COMPANION_SINKS),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { name, port, child, output: () => out, exited };
}

async function stopWorker(w: DjangoWorker): Promise<number | null> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM");
  return w.exited;
}

let workers: DjangoWorker[] = [];

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  for (const port of DJANGO_WORKER_PORTS) {
    expect(await portFree(port), `port ${port} must be free for an e2e Django worker (a stale one from an earlier run?)`).toBe(true);
  }
  workers = [startWorker("A", DJANGO_WORKER_PORTS[0]), startWorker("B", DJANGO_WORKER_PORTS[1])];
  for (const w of workers) {
    await expect
      .poll(
        async () => {
          if (w.child.exitCode !== null) throw new Error(`Django worker ${w.name} exited: ${w.output()}`);
          return get(w.port, "/cs/health/").then(
            (r) => r.status,
            () => 0,
          );
        },
        { timeout: 30_000, message: `Django worker ${w.name} on port ${w.port} answers` },
      )
      .toBe(200);
  }
});

test.afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
});

async function play(plan: AliasPlan): Promise<void> {
  const port = (worker: Worker) => workers.find((w) => w.name === worker)!.port;
  let session: string | null = null;
  for (const call of plan.calls) {
    const cookie = sessionCookie(call, session);
    const reply = await get(port(call.worker), pathOf(plan.alias, call, RUN), cookie);
    expect(reply.status, `${call.what} on ${plan.alias} via ${call.worker}: ${reply.body.slice(0, 300)}`).toBe(200);
    if (call.what === "session") {
      expect(reply.sessionId, `the session call on ${plan.alias} sets a session cookie`).toBeTruthy();
      session = reply.sessionId;
    }
  }
}

function sessionCookie(call: Call, known: string | null): string | undefined {
  if (call.what !== "session" || call.cookie === "none") return undefined;
  if (call.cookie === "unknown") return `sessionid=nobodyissued${RUN}`;
  if (!known) throw new Error("the plan uses a known session before making one");
  return `sessionid=${known}`;
}

test("the companion's counts from two Django workers reach the API and the pages exactly", async ({ page, request }) => {
  test.setTimeout(180_000);
  const before = new Map<string, Snapshot>();
  const before60 = new Map<string, NsAnswer["total"]>();
  for (const plan of PLANS) {
    before.set(plan.alias, await snapshot(request, plan.alias));
    before60.set(plan.alias, (await namespaces(request, plan.alias, 60)).total);
  }

  for (const plan of PLANS) await play(plan);

  const deltas = async () => {
    const out: Record<string, unknown> = {};
    for (const plan of PLANS) out[plan.alias] = delta(before.get(plan.alias)!, await snapshot(request, plan.alias));
    return out;
  };
  const expected = Object.fromEntries(PLANS.map((p) => [p.alias, p.expected]));

  // The workers still run: only their background flushes (FLUSH_INTERVAL 1 s) can have brought the counts.
  await expect.poll(deltas, { timeout: 45_000, intervals: [500, 1000], message: "the counts flushed in the background" }).toEqual(expected);

  // Stopped by pid, each exits cleanly (its exit flush has nothing left to add); the counts then hold still for longer
  // than the console keeps an open bucket (2 s), so a late or doubled record would show.
  expect(await Promise.all(workers.map(stopWorker)), workers.map((w) => w.output()).join("\n")).toEqual([0, 0]);
  let steadySince = Date.now();
  await expect
    .poll(
      async () => {
        const now = await deltas();
        if (!isDeepStrictEqual(now, expected)) steadySince = Date.now();
        return { counts: now, steady: Date.now() - steadySince >= 3000 };
      },
      { timeout: 30_000, intervals: [500], message: "the counts stay exact after the workers stopped" },
    )
    .toEqual({ counts: expected, steady: true });

  const after = new Map<string, Snapshot>();
  for (const plan of PLANS) after.set(plan.alias, await snapshot(request, plan.alias));

  // The home page: the LocMemCache, which no tool can see into, gets its hit ratio from Django (last 60 s).
  const gets = (e: Record<string, Expected>, f: "hits" | "misses") => Object.values(e).reduce((s, c) => s + c[f], 0);
  const homePlan = PLANS.find((p) => p.alias === HOME_ALIAS)!;
  const b60 = before60.get(HOME_ALIAS)!;
  const homeHits = b60.hits + gets(homePlan.expected, "hits");
  const homeGets = homeHits + b60.misses + gets(homePlan.expected, "misses");
  await page.goto(`/api/login?token=${TOKEN}&next=/`);
  const cell = page.getByTestId(`django-cell-${HOME_ALIAS}`);
  await expect(cell).toContainText(percent(homeHits, homeGets));
  await expect(cell).toContainText("from Django");
  await expect(cell).not.toContainText("simulated");

  // Each alias's Namespaces tab shows the same counts, row by row.
  for (const plan of PLANS) {
    await page.goto(`/caches/${plan.alias}/namespaces?window=1h`);
    const table = page.getByTestId("ns-table");
    for (const [name, want] of Object.entries(plan.expected)) {
      const n = after.get(plan.alias)!.get(name)!;
      const row = table.getByTestId("ns-row").filter({ has: page.getByTestId("ns-name").getByText(name, { exact: true }) });
      await expect(row, `${plan.alias} ${name}`).toHaveCount(1);
      await expect(row.locator("td").nth(1)).toHaveText(want.kind);
      const ratio = row.getByTestId("ns-ratio");
      await expect(ratio).toHaveAttribute("title", `${n.hits} hits, ${n.misses} misses`);
      await expect(ratio).toHaveText(n.hits + n.misses === 0 ? "—" : percent(n.hits, n.hits + n.misses));
      await expect(row.locator('td[title$=" adds"]')).toHaveAttribute("title", `${n.sets} sets, ${n.adds} adds`);
      await expect(row.locator('td[title$=" deletes"]')).toHaveAttribute("title", `${n.deletes} deletes`);
      // Timed by the companion: percentiles wherever there were gets; a recompute measured where a miss was followed
      // by the set of its key (cache_page, {% cache %}, the catalog view), never for sessions (a new session is a new key).
      if (n.hits + n.misses > 0) await expect(row.getByTestId("ns-get-latency")).toHaveText(PERCENTILES);
      const saved = row.getByTestId("ns-saved");
      if (want.kind === "session") await expect(saved).toHaveText("recompute cost unknown");
      else if (want.misses > 0 && want.sets > 0) await expect(saved).toHaveText(/^saves [\d.]+ (µs|ms|s) per hit, (< )?[\d.]+ CPU-s\/s$/);
    }
  }
  // The home page's time saved for the LocMemCache, whose recomputes the companion measured.
  await page.goto("/");
  await expect(page.getByTestId(`saved-${HOME_ALIAS}`)).toHaveText(/^saves [\d.]+ (µs|ms|s) per hit, (< )?[\d.]+ CPU-s\/s$/);
});
