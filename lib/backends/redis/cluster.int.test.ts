import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { Cluster } from "ioredis";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CacheBackend, KeyPage, KeyRow } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { analyse } from "@/lib/analysis/run";
import { planFor } from "@/lib/invalidate/plan";
import { dryRun, execute, type Progress } from "@/lib/invalidate/run";
import { parseInvalidateRequest } from "@/lib/invalidate/target";
import { startRedisCluster, type RedisClusterHandle } from "@/test/redis-cluster";
import type { RedisExtra } from "./info";
import { slotOf } from "./cluster-slot";
import { testBackend } from "../contract";
import { redis } from ".";

/**
 * Redis Cluster on a real six-node cluster (three primaries, a replica each) on ports 6451-6456, written by django-redis
 * through redis-py's RedisCluster (test/django-redis/djcluster.py). The tests run in order: the last ones reshard
 * and kill a primary.
 */
const PORTS = [6451, 6452, 6453, 6454, 6455, 6456];
const CLOSED_PORT = 1;
const run = promisify(execFile);
const SCRIPT = join(__dirname, "../../../test/django-redis/djcluster.py");

interface Written {
  alias: string;
  kind: string;
  key: string;
  rawKey: string;
  version: number;
  url?: string;
}

let cluster: RedisClusterHandle;
let raw: Cluster;
let written: Written[];
const backends: CacheBackend[] = [];

const config = (locations: string[], keyPrefix = "site", version = 1): CacheConfig => ({
  alias: "clustered",
  backendPath: redis.paths[1],
  locations,
  keyPrefix,
  version,
  options: {},
  timeout: 300,
});

function backendOf(cfg: CacheConfig): CacheBackend {
  const b = redis.create(cfg);
  backends.push(b);
  return b;
}

const seed = (port: number) => `redis://127.0.0.1:${port}/0`;

async function allKeys(): Promise<string[]> {
  const out: string[] = [];
  for (const node of raw.nodes("master")) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "COUNT", 5000);
      out.push(...keys);
      cursor = next;
    } while (cursor !== "0");
  }
  return out.sort();
}

async function listAll(backend: CacheBackend, prefix: string, count: number): Promise<KeyRow[]> {
  const rows: KeyRow[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await backend.listKeys({ prefix, cursor, count, withMeta: true });
    expect(page.errors).toBeUndefined();
    rows.push(...page.keys);
    cursor = page.cursor;
    if (cursor === null) return rows;
  }
  throw new Error("listing never ended");
}

async function load(keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) await Promise.all(keys.slice(i, i + 1000).map((k) => raw.set(k, "v")));
}

beforeAll(async () => {
  cluster = await startRedisCluster({ ports: PORTS });
  raw = new Cluster([{ host: "127.0.0.1", port: PORTS[0] }]);
  const { stdout } = await run("/usr/bin/python3", [SCRIPT, JSON.stringify({ seed: seed(PORTS[0]), items: 300, pages: 4 })]);
  written = (JSON.parse(stdout) as { entries: Written[] }).entries;
}, 120_000);

afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
  raw?.disconnect();
  await cluster?.stop();
});

async function plan(cfg: CacheConfig, body: unknown) {
  return planFor({ config: cfg, capabilities: backendOf(cfg).capabilities }, parseInvalidateRequest(body));
}

describe("Redis Cluster found by asking the server", () => {
  it("a seed that is a replica discovers the cluster; the page names every node with its role and slots", async () => {
    const replicaPort = await (async () => {
      for (const p of PORTS) {
        const c = new Redis({ port: p });
        const role = ((await c.call("ROLE")) as unknown[])[0];
        c.disconnect();
        if (role === "slave") return p;
      }
      throw new Error("no replica");
    })();
    const backend = backendOf(config([seed(replicaPort)]));
    const status = await backend.status();
    expect(status.ok).toBe(true);
    expect(status.servers?.length).toBe(6);
    const health = await backend.health?.();
    expect(health?.facts[0].value).toMatch(/^Redis Cluster · cluster_state:ok · 3 primaries, 3 replicas$/);
    expect(health?.facts.filter((f) => /primary · slots \d+-\d+ \(\d+\) · up/.test(f.value))).toHaveLength(3);
    expect(health?.facts.filter((f) => /replica of 127\.0\.0\.1:\d+\/0 · up/.test(f.value))).toHaveLength(3);
  });

  it("several seeds, the first down: the next one answers", async () => {
    const backend = backendOf(config([seed(CLOSED_PORT), seed(PORTS[2])]));
    expect((await backend.status()).ok).toBe(true);
  });

  it("a plain Redis stays one node (no cluster facts)", async () => {
    const backend = backendOf(config([seed(CLOSED_PORT)]));
    expect((await backend.status()).ok).toBe(false);
    expect(await backend.health?.()).toEqual({ facts: [], warnings: [] });
  });
});

describe("browse", () => {
  it("lists every key of every primary exactly once, in pages of a composite cursor; scanned counts all nodes", async () => {
    const backend = backendOf(config([seed(PORTS[0])]));
    const rows = await listAll(backend, "site:", 25);
    const names = rows.map((r) => r.raw);
    const expected = written.filter((w) => w.alias === "default").map((w) => w.rawKey);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...expected].sort());
    // Rows name the primary that listed them: three of them.
    expect(new Set(rows.map((r) => r.server)).size).toBe(3);
    expect(rows.every((r) => typeof r.size === "number" && r.type === "string")).toBe(true);
    const first = await backend.listKeys({ prefix: "", cursor: null, count: 10, withMeta: false });
    expect(first.cursor).toMatch(/^cl\./);
    expect(first.scanned).toBeGreaterThanOrEqual(3);
  });

  it("the prefix filter is literal: glob characters match only themselves", async () => {
    const backend = backendOf(config([seed(PORTS[0])]));
    for (const key of ["g*x", "g?x", "g[x]", "g\\x"]) {
      expect((await listAll(backend, `site:1:${key}`, 50)).map((r) => r.raw)).toEqual([`site:1:${key}`]);
    }
  });

  it("opens entries routed to their slot's node: a page, a zlib-compressed value", async () => {
    const backend = backendOf(config([seed(PORTS[1])]));
    const page = written.find((w) => w.kind === "page");
    const entry = await backend.readEntry({ raw: page?.rawKey ?? "" }, 1 << 20);
    expect(entry?.type).toBe("string");
    expect(entry?.bytes?.length).toBeGreaterThan(20);
    const zipped = written.find((w) => w.alias === "zipped");
    const blob = await backend.readEntry({ raw: zipped?.rawKey ?? "" }, 1 << 20);
    // zlib's header byte: django-redis compressed it.
    expect(blob?.bytes?.[0]).toBe(0x78);
    expect(await backend.readEntry({ raw: "site:1:absent" }, 10)).toBeNull();
  });

  it("stats: every node, primaries and replicas, with role and slots; items counted once", async () => {
    const backend = backendOf(config([seed(PORTS[0])]));
    const snap = await backend.stats();
    expect(snap.servers).toHaveLength(6);
    expect(snap.servers.every((s) => s.ok)).toBe(true);
    const roles = snap.servers.map((s) => (s.extra as RedisExtra).cluster?.role);
    expect(roles.filter((r) => r === "primary")).toHaveLength(3);
    expect(roles.filter((r) => r === "replica")).toHaveLength(3);
    const items = snap.servers.reduce((n, s) => n + (s.items ?? 0), 0);
    expect(items).toBe((await allKeys()).length);
  });

  it("samples from each primary in proportion to its keys", async () => {
    const backend = backendOf(config([seed(PORTS[0])]));
    const sample = await backend.sample?.({ prefix: "site:1:item:", count: 60 });
    expect(sample?.rows.length).toBeGreaterThanOrEqual(50);
    expect(new Set(sample?.rows.map((r) => r.server)).size).toBe(3);
    expect(sample?.rows.every((r) => r.raw?.startsWith("site:1:item:"))).toBe(true);
  });
});

describe("sizes", () => {
  it("the full analysis walks every primary and gives per-node totals that add up", async () => {
    const cfg = config([seed(PORTS[0])]);
    const result = await analyse(backendOf(cfg), cfg);
    const prefixed = (await allKeys()).filter((k) => k.startsWith("site:")).length;
    expect(result.keys).toBe(prefixed);
    expect(result.byServer).toHaveLength(3);
    expect(result.byServer?.reduce((n, x) => n + x.keys, 0)).toBe(result.keys);
    expect(result.byServer?.reduce((n, x) => n + x.bytes, 0)).toBe(result.bytes);
  });
});

describe("invalidation", () => {
  it("prefix purge over every primary: dry run, then exact counts; glob decoys untouched", async () => {
    const cfg = config([seed(PORTS[0])]);
    const body = { target: { prefix: "item:" } };
    const items = written.filter((w) => w.alias === "default" && /^item:\d+$/.test(w.key)).map((w) => w.rawKey);
    const dry = await dryRun(backendOf(cfg), await plan(cfg, body));
    expect(dry.matched).toBe(items.length);
    expect(dry.bytesUnknown).toBe(0);
    const before = await allKeys();
    const done = await execute(backendOf(cfg), await plan(cfg, body));
    expect(done).toMatchObject({ matched: items.length, deleted: items.length });
    expect(await allKeys()).toEqual(before.filter((k) => !items.includes(k)));
    for (const decoy of ["item*", "item?x", "item[1]"]) expect(await allKeys()).toContain(`site:1:${decoy}`);
  });

  it("cancel mid-way: stops, and deleted is exactly what left the cluster", async () => {
    const N = 20_000;
    await load(Array.from({ length: N }, (_, i) => `site:1:cancel:${i}`));
    const cfg = config([seed(PORTS[0])]);
    const abort = new AbortController();
    const progress: Progress = { scanned: 0, matched: 0, deleted: 0 };
    const job = execute(
      backendOf(cfg),
      await plan(cfg, { target: { prefix: "cancel:" } }),
      { signal: abort.signal, onProgress: (p) => p.deleted > 0 && abort.abort() },
      progress,
    );
    await expect(job).rejects.toThrow(/abort/i);
    expect(progress.deleted).toBeGreaterThan(0);
    expect(progress.deleted).toBeLessThan(N);
    const left = (await allKeys()).filter((k) => k.startsWith("site:1:cancel:")).length;
    expect(left).toBe(N - progress.deleted);
    await execute(backendOf(cfg), await plan(cfg, { target: { prefix: "cancel:" } }));
  });

  it("old versions: version 1 purged, version 2 kept", async () => {
    const cfg = config([seed(PORTS[0])], "site", 2);
    const done = await execute(backendOf(cfg), await plan(cfg, { target: { oldVersions: true } }));
    const v1 = written.filter((w) => w.alias === "default" && w.version === 1).map((w) => w.rawKey);
    const left = await allKeys();
    expect(done.deleted).toBe(v1.filter((k) => !/^site:1:item:\d+$/.test(k)).length);
    expect(left.filter((k) => k.startsWith("site:1:"))).toEqual([]);
    expect(left.filter((k) => k.startsWith("site:2:price:"))).toHaveLength(5);
    expect(left.filter((k) => k.startsWith("zip:1:blob:")).length).toBeGreaterThan(0);
  });
});

describe("resharding: MOVED and ASK followed", () => {
  it("a slot being migrated: a key already moved is read through ASK; a delete across both sides counts each key", async () => {
    const backend = backendOf(config([seed(PORTS[0])]));
    const keys = ["{mig}:a", "{mig}:b", "{mig}:c"];
    await load(keys);
    // The client's slot map is learnt before the migration starts.
    expect(await backend.readEntry({ raw: keys[0] }, 10)).not.toBeNull();
    const slot = slotOf(keys[0]);
    const fromPort = await cluster.primaryOf(slot);
    const toPort = PORTS.slice(0, 3).find((p) => p !== fromPort) ?? PORTS[1];
    const from = new Redis({ port: fromPort });
    const to = new Redis({ port: toPort });
    try {
      const fromId = String(await from.call("CLUSTER", "MYID"));
      const toId = String(await to.call("CLUSTER", "MYID"));
      await to.call("CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
      await from.call("CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
      await from.call("MIGRATE", "127.0.0.1", toPort, "", 0, 5000, "KEYS", keys[0]);
      const moved = await backend.readEntry({ raw: keys[0] }, 10);
      expect(moved?.raw).toBe(keys[0]);
      expect(await backend.deleteEntries(keys.map((raw) => ({ raw })))).toBe(3);
      // Finish the migration: the slot now belongs to `to`, everywhere.
      for (const p of PORTS) {
        const c = new Redis({ port: p });
        await c.call("CLUSTER", "SETSLOT", slot, "NODE", toId).catch(() => undefined);
        c.disconnect();
      }
      await cluster.settled();
      // The client still thinks `from` serves the slot: MOVED, followed.
      await load(["{mig}:d"]);
      expect((await backend.readEntry({ raw: "{mig}:d" }, 10))?.raw).toBe("{mig}:d");
      expect(await backend.deleteEntries([{ raw: "{mig}:d" }])).toBe(1);
    } finally {
      from.disconnect();
      to.disconnect();
    }
  });

  it("a reshard by redis-cli while the backend holds an old slot map: listing and purge stay exact", async () => {
    const backend = backendOf(config([seed(PORTS[0])]));
    // Hash tags put a third of the keys in slots 7-49 of PORTS[0]: redis-cli moves its first 50 slots.
    const tags = ["t205", "t644", "t1153", "t2138", "t2365", "t2394", "t2579", "t2724"];
    const keys = Array.from({ length: 3000 }, (_, i) =>
      i % 3 === 0 ? `site:1:reshard:{${tags[i % tags.length]}}:${i}` : `site:1:reshard:${i}`,
    );
    await load(keys);
    expect(await listAll(backend, "site:1:reshard:", 500)).toHaveLength(3000);
    const a = new Redis({ port: PORTS[0] });
    const b = new Redis({ port: PORTS[1] });
    const [fromId, toId] = [String(await a.call("CLUSTER", "MYID")), String(await b.call("CLUSTER", "MYID"))];
    a.disconnect();
    b.disconnect();
    await run("redis-cli", [
      "--cluster",
      "reshard",
      `127.0.0.1:${PORTS[0]}`,
      "--cluster-from",
      fromId,
      "--cluster-to",
      toId,
      "--cluster-slots",
      "50",
      "--cluster-yes",
    ]);
    await cluster.settled();
    expect(await cluster.primaryOf(7)).toBe(PORTS[1]);
    expect((await listAll(backend, "site:1:reshard:", 500)).map((r) => r.raw).sort()).toEqual([...keys].sort());
    const cfg = config([seed(PORTS[0])]);
    expect(await execute(backend, await plan(cfg, { target: { prefix: "reshard:" } }))).toMatchObject({ matched: 3000, deleted: 3000 });
    expect((await allKeys()).filter((k) => k.startsWith("site:1:reshard:"))).toEqual([]);
  });
});

// Before the kill below: the contract wants every node up.
testBackend({
  name: "Redis Cluster",
  create: () => redis.create(config([seed(PORTS[0])], "")),
  closed: () => redis.create(config([seed(CLOSED_PORT)], "")),
  seed: (keys) => load(keys),
  capabilities: { listKeys: true, stats: true },
});

describe("a primary killed mid-purge", () => {
  it("the purge follows the promoted replica and deletes every key, counted exactly", async () => {
    const N = 60_000;
    const keys = Array.from({ length: N }, (_, i) => `site:1:doomed:${i}`);
    await load(keys);
    await load(["site:1:kept"]);
    const cfg = config([seed(PORTS[0])]);
    const backend = backendOf(cfg);
    const victim = await cluster.primaryOf(0);
    let killed = false;
    const progress: Progress = { scanned: 0, matched: 0, deleted: 0 };
    const done = await execute(
      backend,
      await plan(cfg, { target: { prefix: "doomed:" } }),
      {
        onBatch: async () => {
          if (killed) return;
          killed = true;
          await cluster.kill(victim);
        },
      },
      progress,
    );
    expect(killed).toBe(true);
    await cluster.settled();
    expect(done.deleted).toBe(N);
    expect((await allKeys()).filter((k) => k.startsWith("site:1:doomed:"))).toEqual([]);
    expect(await allKeys()).toContain("site:1:kept");
    // The cluster says who serves the dead node's slots now, and the backend reports the dead one as down.
    const status = await backend.status();
    expect(status.servers?.some((s) => s.server === `127.0.0.1:${victim}/0` && !s.ok)).toBe(true);
  }, 60_000);
});

describe("a cluster in cluster_state:fail", () => {
  it("says so, names the node that is down, and still lists and opens what the others hold", async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `site:1:still:${i}`);
    await load(keys);
    const backend = backendOf(config([seed(PORTS[1]), seed(PORTS[2])]));
    // The primary serving slot 0 now is the replica promoted above: it has no replica of its own, so its slots go dark.
    const lonely = await cluster.primaryOf(0);
    const owners = await Promise.all(keys.map((k) => cluster.primaryOf(slotOf(k))));
    const lit = keys.filter((_, i) => owners[i] !== lonely).sort();
    expect(lit.length).toBeLessThan(keys.length);
    await cluster.kill(lonely);
    await expect.poll(async () => (await backend.status()).error ?? "", { timeout: 30_000 }).toMatch(/cluster_state:fail/);
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: KeyPage = await backend.listKeys({ prefix: "site:1:still:", cursor, count: 1000, withMeta: false });
      expect(page.errors?.map((e) => e.server)).toEqual([`127.0.0.1:${lonely}/0`]);
      listed.push(...page.keys.map((r) => r.raw ?? ""));
      cursor = page.cursor;
    } while (cursor !== null);
    expect(listed.sort()).toEqual(lit);
    // Keyed reads: Redis itself refuses them while the cluster is down (cluster-allow-reads-when-down is off): said plainly.
    await expect(backend.readEntry({ raw: lit[0] }, 10)).rejects.toThrow(/CLUSTERDOWN|cluster_state:fail/);
    expect((await backend.health?.())?.warnings.join(" ")).toMatch(/cluster_state:fail/);
  }, 90_000);
});
