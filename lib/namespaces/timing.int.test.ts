import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CacheBackend } from "@/lib/backends/types";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { bucketKey, bucketOf } from "./format";
import { namespacesAnswer } from "./service";

/**
 * Latency and time saved end to end: the real e2e Django site (e2e/django, shop/settings_timing.py) with the companion,
 * one worker process on its own Redis, takes scripted traffic to views that do a known amount of work on a miss
 * (shop/cs_views.py: timing_*); after its exit flush the console's service must report each recompute cost within 20%
 * of that work, time saved that follows from the hits, and latency histograms whose totals are the call counts.
 */

const REDIS_PORT = 6444;
const DJANGO_PORT = 3116;
const ALIAS = "cs_timing";
const ROOT = path.resolve(__dirname, "..", "..");
/** What the views do on a miss (shop/cs_views.py). */
const PAGE_WORK_MS = 200;
const KEY_WORK_MS = 150;
const GET_OR_SET_WORK_MS = 150;

const holder = globalThis as unknown as { __cachescope?: unknown; __cachescopeNamespaces?: unknown };
const saved = { ...process.env };
const caches = {
  default: { BACKEND: "django.core.cache.backends.locmem.LocMemCache" },
  [ALIAS]: { BACKEND: "django_redis.cache.RedisCache", LOCATION: `redis://127.0.0.1:${REDIS_PORT}/0` },
};

function get(urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: DJANGO_PORT, path: urlPath, headers: { Host: "shop.test" }, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${urlPath}: no answer in 30 s`)));
    req.on("error", reject);
  });
}

async function closeContext(): Promise<void> {
  const ctx = holder.__cachescope as { backends?: Map<string, CacheBackend | null> } | undefined;
  for (const b of ctx?.backends?.values() ?? []) await b?.close();
  holder.__cachescope = undefined;
  holder.__cachescopeNamespaces = undefined;
}

describe("latency and time saved from the real Django site", () => {
  let redis: RedisServerHandle;
  let worker: ChildProcess;
  let output = "";

  beforeAll(async () => {
    redis = await startRedisServer({ port: REDIS_PORT });
    worker = spawn("/usr/bin/python3", [path.join(ROOT, "e2e", "django", "serve.py"), "--port", String(DJANGO_PORT)], {
      cwd: ROOT,
      env: {
        ...process.env,
        PYTHONPATH: path.join(ROOT, "integrations", "django"),
        DJANGO_SETTINGS_MODULE: "shop.settings_timing",
        CACHESCOPE_TIMING_CACHES: JSON.stringify(caches),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    worker.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    worker.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    for (let i = 0; ; i++) {
      if (worker.exitCode !== null) throw new Error(`the Django worker exited: ${output}`);
      if ((await get("/cs/health/").catch(() => 0)) === 200) break;
      if (i > 300) throw new Error(`the Django worker does not answer: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    process.env.CACHESCOPE_TOKEN = "timing-test-token-0123456789";
    process.env.CACHESCOPE_AUDIT_LOG = "/dev/null";
    process.env.CACHESCOPE_CACHES = JSON.stringify(caches);
    delete process.env.CACHESCOPE_SINKS;
    await closeContext();
  }, 60_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill("SIGTERM");
    await closeContext();
    process.env = { ...saved };
    await redis?.stop();
  });

  it("reports each recompute cost within 20%, the time saved its hits imply, and histogram totals equal to the call counts", async () => {
    const base = `/cs/${ALIAS}/timing`;
    // One cold page then 9 served from the cache; 4 keys cold then 5 times warm each; 2 get_or_sets cold then 4 warm each.
    for (let i = 0; i < 10; i++) expect(await get(`${base}/page/`)).toBe(200);
    for (const item of ["a", "b", "c", "d"]) for (let i = 0; i < 6; i++) expect(await get(`${base}/key/${item}/`)).toBe(200);
    for (const item of ["x", "y"]) for (let i = 0; i < 5; i++) expect(await get(`${base}/gos/${item}/`)).toBe(200);
    // SIGTERM: a normal exit, whose flush writes everything counted.
    worker.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) =>
      worker.exitCode !== null ? resolve(worker.exitCode) : worker.once("exit", (c) => resolve(c)),
    );
    expect(code, output).toBe(0);

    const a = await namespacesAnswer(ALIAS, 300);
    expect(a.source).toBe("django");
    expect(a.skipped).toBeUndefined();
    const rows = new Map(a.namespaces.map((n) => [n.name, n]));
    const page = rows.get("cs:timing-page");
    const key = rows.get("slowkey");
    const gos = rows.get("slowgos");
    // Counts: cache_page reads the header key then the page key; get_or_set is one hit, or one miss and one set.
    expect(page).toMatchObject({ kind: "view", hits: 18, misses: 1, sets: 2 });
    expect(key).toMatchObject({ kind: "key", hits: 20, misses: 4, sets: 4 });
    expect(gos).toMatchObject({ kind: "key", hits: 8, misses: 2, sets: 2 });

    for (const [row, work] of [
      [page, PAGE_WORK_MS],
      [key, KEY_WORK_MS],
      [gos, GET_OR_SET_WORK_MS],
    ] as const) {
      // Histogram totals are the call counts: one get observation per hit or miss, one set observation per set.
      expect(row?.latency?.get.count, row?.name).toBe((row?.hits ?? 0) + (row?.misses ?? 0));
      expect(row?.latency?.set.count, row?.name).toBe(row?.sets);
      expect(row?.latency?.get.buckets.reduce((s, b) => s + b.count, 0)).toBe(row?.latency?.get.count);
      // The work slept at least this long; within 20% of it.
      expect(row?.saved.costPerMissMs, row?.name).toBeGreaterThanOrEqual(work);
      expect(row?.saved.costPerMissMs, row?.name).toBeLessThanOrEqual(work * 1.2);
      const p50 = row?.latency?.get.p50Ms ?? null;
      expect(p50, row?.name).not.toBeNull();
    }
    // Time saved follows from the hits that spared a recompute: a page served from the cache is one, not two.
    expect((page?.saved.hitsPerSecond ?? 0) * a.windowSeconds).toBeCloseTo(9, 9);
    expect((key?.saved.hitsPerSecond ?? 0) * a.windowSeconds).toBeCloseTo(20, 9);
    expect((gos?.saved.hitsPerSecond ?? 0) * a.windowSeconds).toBeCloseTo(8, 9);
    for (const row of [page, key, gos]) {
      expect(row?.saved.savedSecondsPerSecond).toBeCloseTo(((row?.saved.hitsPerSecond ?? 0) * (row?.saved.costPerMissMs ?? 0)) / 1000, 9);
    }
    const expectedSaved = [page, key, gos].reduce((s, r) => s + (r?.saved.savedSecondsPerSecond ?? 0), 0);
    expect(a.saved.savedSecondsPerSecond).toBeCloseTo(expectedSaved, 9);
    expect(a.latency?.get.count).toBe(a.total.hits + a.total.misses);
  }, 120_000);

  it("skips and reports timing data of another companion version, keeping its counts", async () => {
    const client = new Redis({ port: REDIS_PORT, lazyConnect: true });
    await client.connect();
    try {
      const now = Date.now() / 1000;
      const record = {
        v: 1,
        tv: 2,
        host: "future",
        pid: 9,
        at: now,
        alias: ALIAS,
        ns: { future: { k: "key", h: 3, lg: [3], rs: 5, rn: 1 } },
      };
      await client.append(bucketKey(ALIAS, bucketOf(now)), JSON.stringify(record) + "\n");
    } finally {
      client.disconnect();
    }
    await closeContext();
    const a = await namespacesAnswer(ALIAS, 300);
    expect(a.skipped).toEqual({ otherTimingVersion: 1 });
    const future = a.namespaces.find((n) => n.name === "future");
    expect(future).toMatchObject({ hits: 3, latency: null, saved: { costPerMissMs: null } });
  });
});
