import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFile, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAudit } from "@/lib/audit/log";
import { bucketFileName, bucketOf } from "@/lib/namespaces/format";
import { parseAddress } from "@/lib/backends/memcached/address";
import { MemcachedClient } from "@/lib/backends/memcached/client";
import { redis as redisDescriptor } from "@/lib/backends/redis";
import type { CacheBackend } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { jobs, type Job } from "@/lib/jobs/registry";
import { backendFor, findCache, getContext } from "@/lib/server/context";
import { startMemcached, type MemcachedServerHandle } from "@/test/memcached-server";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { callRoute, withServerEnv, type ServerEnv } from "@/test/routes";
import type { CompareAnswer, CompareCache } from "./compare";
import { ProbeFailed, runProbe, type ProbeResult } from "./run";
import { sizesOf } from "./sizes";

/**
 * The probe on a real redis-server (6501), a real memcached (11501) and a FileBasedCache directory, through the real
 * routes: figures for every size and client count, nothing left behind (the reserved namespace scanned afterwards on
 * each server by its own means), audited intent before outcome, refused for a viewer and read-only. Faults: a server
 * that is down, one that fills up mid-run, a cancel: each ends with the probe's keys deleted.
 */

const REDIS_PORT = 6501;
/** Nothing listens here: the cache that is down. */
const DOWN_PORT = 6502;
const MEMCACHED_PORT = 11501;
const TOKEN = "probe-test-token-0123456789abcdef";
const VIEWER = "probe-viewer-token-0123456789abcdef";

let redisServer: RedisServerHandle;
let memcachedServer: MemcachedServerHandle;
let raw: Redis;
let dir: string;
let fullDir: string;
let auditLog: string;
let sinkDir: string;
let env: ServerEnv;

const CACHES = () => ({
  default: { BACKEND: "django.core.cache.backends.redis.RedisCache", LOCATION: `redis://127.0.0.1:${REDIS_PORT}/0`, KEY_PREFIX: "site" },
  mc: { BACKEND: "django.core.cache.backends.memcached.PyMemcacheCache", LOCATION: `127.0.0.1:${MEMCACHED_PORT}` },
  files: { BACKEND: "django.core.cache.backends.filebased.FileBasedCache", LOCATION: dir },
  full: { BACKEND: "django.core.cache.backends.filebased.FileBasedCache", LOCATION: fullDir, OPTIONS: { MAX_ENTRIES: 10 } },
  down: { BACKEND: "django.core.cache.backends.redis.RedisCache", LOCATION: `redis://127.0.0.1:${DOWN_PORT}/0` },
  dummy: { BACKEND: "django.core.cache.backends.dummy.DummyCache" },
});

async function routes() {
  return {
    probe: await import("@/app/api/caches/[alias]/probe/route"),
    job: await import("@/app/api/jobs/[id]/route"),
  };
}

async function startProbe(alias: string, token = TOKEN, body: unknown = { confirm: true, keys: 64 }) {
  const { probe } = await routes();
  return callRoute(probe.POST, `/api/caches/${alias}/probe`, { method: "POST", params: { alias }, body, token });
}

/** Polls GET /api/jobs/{id} until the job ends (bounded by a number of polls, not by a time). */
async function finished(id: string): Promise<Job> {
  const { job } = await routes();
  for (let i = 0; i < 2000; i++) {
    const j = (await callRoute(job.GET, `/api/jobs/${id}`, { params: { id }, token: TOKEN })).json<Job>();
    if (j.state !== "running") return j;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${id} never ended`);
}

async function probeDone(alias: string): Promise<{ job: Job; result: ProbeResult }> {
  const started = await startProbe(alias);
  expect(started.status, started.text).toBe(202);
  const job = await finished(started.json<{ job: Job }>().job.id);
  expect(job.state, job.errors.join("; ")).toBe("done");
  return { job, result: job.result as ProbeResult };
}

function expectFigures(result: ProbeResult, keys: number) {
  expect(result.runs.map((r) => r.clients)).toEqual(result.sizes.sizes.flatMap(() => [1, 8]));
  for (const run of result.runs) {
    for (const op of [run.set, run.get, run.delete]) {
      expect(op.ops).toBe(keys);
      expect(op.p50Ms).toBeGreaterThan(0);
      expect(op.p99Ms).toBeGreaterThanOrEqual(op.p50Ms as number);
      expect(op.opsPerSec).toBeGreaterThan(0);
    }
    expect(run.misses).toBe(0);
  }
  expect(result.cleanup).toMatchObject({ written: keys * result.runs.length, deletedByCleanup: 0, leftBehind: 0 });
}

/** Every Redis key of the reserved namespace, by SCAN (never KEYS). */
async function redisProbeKeys(): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await raw.scan(cursor, "MATCH", "*cachescope-probe*", "COUNT", 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return found;
}

beforeAll(async () => {
  redisServer = await startRedisServer({ port: REDIS_PORT });
  memcachedServer = await startMemcached({ port: MEMCACHED_PORT });
  raw = new Redis({ port: REDIS_PORT, protocol: 2 });
  dir = await mkdtemp(path.join(tmpdir(), "cachescope-probe-files-"));
  fullDir = await mkdtemp(path.join(tmpdir(), "cachescope-probe-full-"));
  auditLog = path.join(await mkdtemp(path.join(tmpdir(), "cachescope-probe-audit-")), "audit.jsonl");
  sinkDir = await mkdtemp(path.join(tmpdir(), "cachescope-probe-sink-"));
  // The alias's real entries: 90 of 1000 bytes and 10 of 20000, so the sample gives a median and a p95 far apart.
  for (let i = 0; i < 100; i++) await raw.set(`site:1:item:${i}`, Buffer.alloc(i < 90 ? 1000 : 20_000, 1));
  for (let i = 0; i < 9; i++) await writeFile(path.join(fullDir, `${String(i).padStart(32, "0")}.djcache`), "x");
  env = withServerEnv({
    CACHESCOPE_TOKEN: TOKEN,
    CACHESCOPE_VIEWER_TOKEN: VIEWER,
    CACHESCOPE_CACHES: JSON.stringify(CACHES()),
    CACHESCOPE_AUDIT_LOG: auditLog,
    // memcached's companion counters live in a directory (the companion's SINKS), where the test writes them.
    CACHESCOPE_SINKS: JSON.stringify({ mc: sinkDir }),
  });
});

afterAll(async () => {
  for (const backend of getContext().backends.values()) await backend?.close().catch(() => undefined);
  env?.restore();
  raw?.disconnect();
  await redisServer?.stop();
  await memcachedServer?.stop();
  for (const d of [dir, fullDir, sinkDir, auditLog && path.dirname(auditLog)]) if (d) await rm(d, { recursive: true, force: true });
});

describe("the probe through the API", () => {
  it("on Redis: figures at 1 and 8 clients for the median and p95 sizes sampled, nothing left, audited intent then outcome", async () => {
    const { job, result } = await probeDone("default");
    expect(result.sizes.source).toBe("sample");
    const [median, p95] = result.sizes.sizes;
    // MEMORY USAGE adds Redis's own overhead to each value.
    expect(median.bytes).toBeGreaterThanOrEqual(1000);
    expect(median.bytes).toBeLessThan(1300);
    expect(p95.bytes).toBeGreaterThanOrEqual(20_000);
    expect(p95.bytes).toBeLessThan(21_000);
    expectFigures(result, 64);
    expect(result.namespace).toBe(`site:1:cachescope-probe:${job.id}:`);
    expect(await redisProbeKeys()).toEqual([]);
    expect(await raw.dbsize()).toBe(100);
    expect(job.matched).toBe(256);
    expect(job.deleted).toBe(256);

    const records = (await readAudit(auditLog, 100, { action: "probe", alias: "default" })).reverse();
    expect(records.map((r) => r.phase)).toEqual(["intent", "outcome"]);
    expect(records[0]).toMatchObject({ job: job.id, actor: "token", role: "admin", outcome: "started" });
    expect(records[1]).toMatchObject({ job: job.id, outcome: "done", matched: 256, deleted: 256 });

    const { probe } = await routes();
    const runs = (await callRoute(probe.GET, "/api/caches/default/probe", { params: { alias: "default" }, token: VIEWER })).json<{
      runs: Job[];
    }>();
    expect(runs.runs.map((r) => r.id)).toContain(job.id);
  });

  it("on memcached: figures, and its metadump shows no probe key afterwards", async () => {
    const { result } = await probeDone("mc");
    expect(result.sizes.source).toBe("default");
    expectFigures(result, 64);
    const backend = getContext().backends.get("mc") as CacheBackend;
    const left: string[] = [];
    for await (const rows of backend.iterate({ prefix: ":1:cachescope-probe:", batch: 1000, withSizes: false })) {
      left.push(...rows.map((r) => r.raw ?? ""));
    }
    expect(left).toEqual([]);
    // It did write, read and delete: the server counted them.
    const client = new MemcachedClient(parseAddress(`127.0.0.1:${MEMCACHED_PORT}`));
    const stats = await client.stats();
    client.close();
    expect(Number(stats.get("cmd_set"))).toBeGreaterThanOrEqual(256);
    expect(Number(stats.get("get_hits"))).toBeGreaterThanOrEqual(256);
    expect(Number(stats.get("delete_hits"))).toBeGreaterThanOrEqual(256);
    expect(Number(stats.get("total_items"))).toBeGreaterThanOrEqual(256);
  });

  it("on FileBasedCache: figures, and the directory holds no file afterwards", async () => {
    const { result } = await probeDone("files");
    expectFigures(result, 64);
    expect(await readdir(dir)).toEqual([]);
  });

  it("two runs are kept, newest first, for comparing", async () => {
    await probeDone("files");
    const { probe } = await routes();
    const answer = (await callRoute(probe.GET, "/api/caches/files/probe", { params: { alias: "files" }, token: TOKEN })).json<{
      runs: Job[];
      running: Job | null;
    }>();
    expect(answer.runs.length).toBeGreaterThanOrEqual(2);
    expect(answer.running).toBeNull();
    expect(answer.runs[0].startedAt >= answer.runs[1].startedAt).toBe(true);
  });
});

describe("refusals", () => {
  it("a viewer gets 403 and nothing is written or recorded", async () => {
    const before = (await readAudit(auditLog, 1000, { action: "probe" })).length;
    const res = await startProbe("default", VIEWER);
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: "viewer" } });
    expect((await readAudit(auditLog, 1000, { action: "probe" })).length).toBe(before);
  });

  it("read-only mode answers 403", async () => {
    const readOnly = withServerEnv({ CACHESCOPE_READ_ONLY: "1" });
    try {
      const res = await startProbe("default");
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: "read_only" } });
    } finally {
      readOnly.restore();
    }
  });

  it("without confirm: 400 saying what the probe does", async () => {
    const res = await startProbe("default", TOKEN, {});
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { message: expect.stringMatching(/writes, reads and deletes keys.*"confirm": true/) } });
  });

  it("DummyCache: 400, it stores nothing", async () => {
    const res = await startProbe("dummy");
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: "not_probeable", message: expect.stringMatching(/stores nothing/) } });
  });
});

describe("faults", () => {
  it("a server that is down: the job fails with the reason, audited as failed", async () => {
    const started = await startProbe("down");
    expect(started.status).toBe(202);
    const job = await finished(started.json<{ job: Job }>().job.id);
    expect(job.state).toBe("failed");
    expect(job.errors.join("; ")).toMatch(/ECONNREFUSED|connect/i);
    const outcome = (await readAudit(auditLog, 10, { alias: "down", action: "probe" }))[0];
    expect(outcome).toMatchObject({ phase: "outcome", outcome: expect.stringMatching(/^failed: .*(ECONNREFUSED|connect)/i) });
  });

  it("a FileBasedCache at MAX_ENTRIES: fails as full before writing anything", async () => {
    const started = await startProbe("full");
    const job = await finished(started.json<{ job: Job }>().job.id);
    expect(job.state).toBe("failed");
    expect(job.errors.join("; ")).toMatch(/the cache is full: 9 entries of MAX_ENTRIES 10.*nothing was written/);
    expect((await readdir(fullDir)).length).toBe(9);
  });
});

/** Reads keys back with a real Django (3.2, Debian's) configured on the same stores: what it gets, as md5 and length. */
const DJANGO_READ = `
import hashlib, json, sys
from django.conf import settings
args = json.loads(sys.argv[1])
settings.configure(CACHES={
  "files": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": args["dir"]},
  "mc": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": args["mc"]},
  "redis": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": args["redis"], "KEY_PREFIX": "site"},
})
import django
django.setup()
from django.core.cache import caches
out = {}
for alias in ("files", "mc", "redis"):
  v = caches[alias].get(args["key"])
  out[alias] = [type(v).__name__, len(v), hashlib.md5(v).hexdigest()] if isinstance(v, bytes) else repr(v)
print(json.dumps(out))
`;

describe("the probe's values are Django's", () => {
  it("a value a probe client wrote reads back with Django's own get() on Redis, memcached and FileBasedCache", async () => {
    const payload = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    const clients = ["default", "mc", "files"].map((alias) => backendFor(findCache(alias))?.openProbeClient?.());
    // "default" has KEY_PREFIX "site": Django's key there is site:1:…; the others ":1:…". Django reads with its own key function.
    const raws = ["site:1:cachescope-probe:check:0", ":1:cachescope-probe:check:0", ":1:cachescope-probe:check:0"];
    await Promise.all(clients.map((c, i) => c?.set(raws[i], payload, 60)));
    try {
      const out = execFileSync("/usr/bin/python3", [
        "-c",
        DJANGO_READ,
        JSON.stringify({
          dir,
          mc: `127.0.0.1:${MEMCACHED_PORT}`,
          redis: `redis://127.0.0.1:${REDIS_PORT}/0`,
          key: "cachescope-probe:check:0",
        }),
      ]).toString();
      const got = JSON.parse(out) as Record<string, unknown>;
      const want = ["bytes", 3000, createHash("md5").update(payload).digest("hex")];
      expect(got).toEqual({ files: want, mc: want, redis: want });
    } finally {
      await Promise.all(clients.map((c, i) => c?.delete(raws[i])));
      await Promise.all(clients.map((c) => c?.close()));
    }
    expect(await redisProbeKeys()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("cancel through the API", () => {
  it("DELETE /api/jobs/{id}: the probe stops, deletes what it wrote, says so, and the cancel is audited", async () => {
    const { job: jobRoute } = await routes();
    // Writes wait while the server is paused: the job is surely still running when the cancel arrives.
    await raw.call("CLIENT", "PAUSE", "500", "WRITE");
    const started = await startProbe("default", TOKEN, { confirm: true, keys: 5000 });
    expect(started.status).toBe(202);
    const id = started.json<{ job: Job }>().job.id;
    // Once the probe has its sizes it announces its total: from then on it writes (its first SET waits on the pause).
    for (let i = 0; i < 2000 && jobs().get(id)?.total === undefined && jobs().get(id)?.state === "running"; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(jobs().get(id)?.total).toBe(5000 * 4 * 3);
    const cancel = await callRoute(jobRoute.DELETE, `/api/jobs/${id}`, { method: "DELETE", params: { id }, token: TOKEN });
    expect(cancel.status).toBe(200);
    const job = await finished(id);
    expect(job.state).toBe("cancelled");
    expect(job.errors.join("; ")).toMatch(/none left behind/);
    expect(job.matched).toBeLessThan(5000 * 4);
    expect(await redisProbeKeys()).toEqual([]);
    const records = await readAudit(auditLog, 20, { alias: "default" });
    expect(records.find((r) => r.action === "cancel" && r.job === id)).toBeDefined();
    expect(records.find((r) => r.action === "probe" && r.job === id && r.phase === "outcome")).toMatchObject({ outcome: "cancelled" });
  });
});

describe("runProbe on a real Redis", () => {
  const config: CacheConfig = {
    alias: "direct",
    backendPath: "django.core.cache.backends.redis.RedisCache",
    locations: [`redis://127.0.0.1:${REDIS_PORT}/1`],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  };
  let backend: CacheBackend;
  let db1: Redis;
  beforeAll(() => {
    backend = redisDescriptor.create(config);
    db1 = new Redis({ port: REDIS_PORT, db: 1, protocol: 2 });
  });
  afterAll(async () => {
    await backend.close();
    db1.disconnect();
  });
  const sizes = { sizes: sizesOf(100, 5000), source: "default" as const, note: "test" };

  it("stores values as Django's RedisCache would (pickled bytes, a TTL of at most 60 s)", async () => {
    let seen: { bytes: Buffer | null; ttl: number; keys: number } | null = null;
    let pending: Promise<void> | null = null;
    await runProbe(backend, config, {
      jobId: "j1",
      keys: 16,
      sizes,
      onProgress: (p) => {
        if (p.matched === 16 && p.deleted === 0 && !pending) {
          pending = (async () => {
            seen = {
              bytes: await db1.getBuffer(":1:cachescope-probe:j1:0"),
              ttl: await db1.ttl(":1:cachescope-probe:j1:0"),
              keys: await db1.dbsize(),
            };
          })();
        }
      },
    });
    await pending;
    expect(seen).not.toBeNull();
    const { bytes, ttl, keys } = seen as unknown as { bytes: Buffer; ttl: number; keys: number };
    // One key per operation: the round's 16 keys are all there before they are read and deleted.
    expect(keys).toBe(16);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0x80, 0x05, 0x95]));
    expect(bytes.length).toBe(100 + 15);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await db1.dbsize()).toBe(0);
  });

  it("cancelled mid-run: stops, deletes what it wrote, reports the clean-up", async () => {
    const abort = new AbortController();
    let summary = "";
    const run = runProbe(backend, config, {
      jobId: "j2",
      keys: 2000,
      sizes,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.matched >= 100) abort.abort();
      },
      onCleanup: (_c, s) => {
        summary = s;
      },
    });
    await expect(run).rejects.toThrow();
    expect(summary).toMatch(/none left behind/);
    expect(await db1.dbsize()).toBe(0);
  });

  it("a server that fills up mid-run: fails with Redis's OOM reason and deletes what it wrote", async () => {
    let filled: Promise<unknown> | null = null;
    const run = runProbe(backend, config, {
      jobId: "j3",
      keys: 256,
      sizes,
      onProgress: (p) => {
        // After the first round: from now on every SET is refused.
        if (p.matched >= 64 && !filled) filled = raw.config("SET", "maxmemory", "1");
      },
    });
    try {
      const err = await run.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ProbeFailed);
      expect((err as ProbeFailed).reason).toMatch(/OOM command not allowed/);
      expect((err as ProbeFailed).cleanup.leftBehind).toBe(0);
      expect(await db1.dbsize()).toBe(0);
    } finally {
      await filled;
      await raw.config("SET", "maxmemory", "0");
    }
  });
});

describe("GET /api/compare", () => {
  it("every cache side by side: real-traffic latency where the companion timed calls, probe runs, why a cache cannot be probed", async () => {
    // One companion flush with timing (docs/COUNTERS_FORMAT.md, tv 1): 15 gets (4 ≤ 50 µs, 9 ≤ 100 µs, 2 ≤ 200 µs), 6 sets.
    const at = Date.now() / 1000;
    const record = {
      v: 1,
      tv: 1,
      host: "web-1",
      pid: 4242,
      at,
      alias: "mc",
      ns: { "api:products": { k: "view", h: 12, m: 3, s: 6, lg: [0, 0, 0, 4, 9, 2], ls: [0, 0, 0, 1, 5], rs: 123000, rn: 3 } },
    };
    await mkdir(path.join(sinkDir, "mc"), { recursive: true });
    await appendFile(path.join(sinkDir, "mc", bucketFileName(bucketOf(at))), JSON.stringify(record) + "\n");
    await probeDone("default");

    const { GET } = await import("@/app/api/compare/route");
    const res = await callRoute(GET, "/api/compare?window=60", { token: VIEWER });
    expect(res.status, res.text).toBe(200);
    const answer = res.json<CompareAnswer>();
    const by = new Map(answer.caches.map((c) => [c.alias, c]));
    expect([...by.keys()]).toEqual(["default", "mc", "files", "full", "down", "dummy"]);

    const mc = by.get("mc") as CompareCache;
    expect(mc.realTraffic.latency?.get.count).toBe(15);
    expect(mc.realTraffic.latency?.set.count).toBe(6);
    expect(mc.realTraffic.latency?.get.p50Ms).toBeGreaterThan(0.05);
    expect(mc.realTraffic.latency?.get.p50Ms).toBeLessThanOrEqual(0.1);
    expect(mc.realTraffic.saved?.costPerMissMs).toBe(41);
    expect(mc.runs.length).toBeGreaterThanOrEqual(1);

    const def = by.get("default") as CompareCache;
    expect(def.realTraffic.latency).toBeNull();
    expect(def.realTraffic.reason).toMatch(/companion/);
    expect(def.probeRefused).toBeNull();
    expect(def.runs[0]).toMatchObject({ kind: "probe", state: "done", alias: "default" });
    expect((def.runs[0].result as ProbeResult).runs.length).toBe(4);

    expect(by.get("dummy")?.probeRefused).toMatch(/stores nothing/);
    expect(by.get("dummy")?.kind).toBe("dummy");
  });
});
