import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Redis from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { filebased as filebasedDescriptor } from "@/lib/backends/filebased";
const createFileBasedBackend = filebasedDescriptor.create;
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
const createMemcachedBackend = memcachedDescriptor.create;
import { redis as redisDescriptor } from "@/lib/backends/redis";
const createRedisBackend = redisDescriptor.create;
import { SIZED_SCAN_COUNT } from "@/lib/backends/redis/sized-scan";
import type { CacheBackend } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { fragmentKey } from "@/lib/django/fragment-keys";
import { planFor } from "@/lib/invalidate/plan";
import { execute } from "@/lib/invalidate/run";
import { parseInvalidateRequest } from "@/lib/invalidate/target";
import { JobRegistry, type Job } from "@/lib/jobs/registry";
import { django as djangoFiles, fileCacheConfig } from "@/test/django-filebased/django";
import { startMemcached, type MemcachedServerHandle } from "@/test/memcached-server";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { parseAnalysisRequest } from "./request";
import { analyse } from "./run";
import { analysisState, startAnalysis } from "./service";
import type { AnalysisResult } from "./types";

/**
 * The size analysis against a real redis-server (port 6376), a real memcached (11276) filled by a real Django, and a
 * FileBasedCache directory written by a real Django. Sizes are checked against what the servers themselves report.
 */

const REDIS_PORT = 6376;
const MEMCACHED_PORT = 11276;
const run = promisify(execFile);

/** `scripts: false`: as a user whose ACL refuses EVAL, so the backend walks with SCAN + pipelined metadata. */
function redisConfig(keyPrefix = "", version = 1, scripts = true): CacheConfig {
  return {
    alias: "sizes",
    backendPath: "django_redis.cache.RedisCache",
    locations: [scripts ? `redis://127.0.0.1:${REDIS_PORT}/0` : `redis://noscript:pw@127.0.0.1:${REDIS_PORT}/0`],
    keyPrefix,
    version,
    options: {},
    timeout: 300,
  };
}

let server: RedisServerHandle;
let raw: Redis;
const backends: CacheBackend[] = [];

function track(b: CacheBackend): CacheBackend {
  backends.push(b);
  return b;
}

/** Sum of MEMORY USAGE ... SAMPLES 0 (exact) over every key under the prefix, as the server computes it. */
async function serverBytes(prefix: string): Promise<{ keys: number; bytes: number }> {
  let cursor = "0";
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await raw.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    for (const key of batch) {
      keys += 1;
      bytes += Number(await raw.memory("USAGE", key, "SAMPLES", 0));
    }
  } while (cursor !== "0");
  return { keys, bytes };
}

function group(result: AnalysisResult, kind: string, name: string) {
  return result.groups.find((g) => g.kind === kind && g.name === name);
}

function sum(buckets: { count: number }[]): number {
  return buckets.reduce((a, b) => a + b.count, 0);
}

async function waitForEnd(registry: JobRegistry, id: string): Promise<Job> {
  for (;;) {
    const job = registry.get(id);
    if (!job) throw new Error(`job ${id} vanished`);
    if (job.state !== "running") return job;
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  server = await startRedisServer({ port: REDIS_PORT, args: ["--enable-debug-command", "local"] });
  raw = new Redis({ port: REDIS_PORT, lazyConnect: true });
  await raw.connect();
  await raw.call("ACL", "SETUSER", "noscript", "on", ">pw", "~*", "+@all", "-@scripting");
});

afterAll(async () => {
  for (const b of backends) await b.close();
  raw?.disconnect();
  await server?.stop();
});

describe("Redis, full analysis", () => {
  const sidebar = ["AnonymousUser", "alice", "bob"].map((u) => fragmentKey("sidebar", [u]));
  const big = ":1:blob:huge";

  beforeEach(async () => {
    await raw.flushdb();
    const p = raw.pipeline();
    for (let i = 0; i < 200; i++) p.set(`:1:app:users:${i}`, "u".repeat(10 + (i % 50) * 7), "EX", 3600);
    sidebar.forEach((k, i) => p.set(`:1:${k}`, "<ul>".repeat(20 * (i + 1)), "EX", 600));
    for (let i = 1; i <= 3; i++) p.set(`:1:fragment${i}`, "f".repeat(100 * i), "EX", 60);
    for (let i = 0; i < 10; i++) p.set(`:1:report:chunk:${i}`, "r".repeat(5000));
    for (let i = 0; i < 5; i++) p.set(`:2:old:thing${i === 0 ? "" : `:${i}`}`, "o".repeat(300), "EX", 900);
    p.hset(":1:structured:hash", { a: "1", b: "2", c: "x".repeat(50) });
    p.set(big, Buffer.alloc(1_500_000, 7));
    // Under the prefix ":" but not "{KEY_PREFIX}:{VERSION}:": counted, and flagged.
    p.set(":notaversion:thing", "?");
    // Another app's key (no ":" start): outside the alias, never walked.
    p.set("celery:task:1", "x".repeat(1000));
    await p.exec();
  });

  it("sums to the server's own MEMORY USAGE and finds kinds, versions, groups, series, top and warnings", async () => {
    const backend = track(createRedisBackend(redisConfig("", 1)));
    const progress: number[] = [];
    const r = await analyse(backend, redisConfig("", 1), { onProgress: (p) => progress.push(p.matched) });
    const truth = await serverBytes(":");

    expect(r.sampled).toBe(false);
    expect(r.keys).toBe(truth.keys);
    expect(r.keys).toBe(200 + 3 + 3 + 10 + 5 + 1 + 1 + 1);
    expect(r.bytes).toBe(truth.bytes);
    expect(progress.at(-1)).toBe(r.keys);

    expect(r.byKind.find((k) => k.kind === "fragment")?.keys).toBe(3);
    expect(r.byKind.reduce((a, k) => a + k.keys, 0)).toBe(r.keys);
    expect(r.byKind.reduce((a, k) => a + k.bytes, 0)).toBe(r.bytes);

    const v2 = r.byVersion.find((v) => v.version === 2);
    expect(v2?.keys).toBe(5);
    expect(v2?.current).toBe(false);
    expect(r.byVersion.find((v) => v.version === 1)?.current).toBe(true);
    expect(r.byVersion.find((v) => v.version === null)?.keys).toBe(1);
    const old = r.warnings.find((w) => w.code === "old_versions");
    expect(old?.keys).toBe(5);
    expect(old?.bytes).toBe(v2?.bytes);
    expect(old?.examples?.every((e) => e.startsWith(":2:old:thing"))).toBe(true);

    expect(group(r, "fragment", "sidebar")?.keys).toBe(3);
    expect(group(r, "fragment", "sidebar")?.prefix).toBe("template.cache.sidebar.");
    expect(group(r, "series", "fragment#")?.keys).toBe(3);
    expect(group(r, "series", "report:chunk:#")?.keys).toBe(10);
    expect(group(r, "series", "app:users:#")?.keys).toBe(200);
    expect(group(r, "series", "old:thing:#")?.keys).toBe(4);
    // Fragment keys end in hex digits: they must not turn into series.
    expect(r.groups.filter((g) => g.kind === "series" && g.name.startsWith("template.cache."))).toEqual([]);

    const users = r.namespaces.children.find((c) => c.name === "app")?.children.find((c) => c.name === "users");
    expect(users?.keys).toBe(200);
    expect(users?.prefix).toBe("app:users:");

    expect(r.top[0]).toMatchObject({ raw: big, key: "blob:huge" });
    expect(r.top[0].size).toBe(Number(await raw.memory("USAGE", big, "SAMPLES", 0)));
    expect(r.top.length).toBe(50);
    expect(r.top.every((t, i) => i === 0 || r.top[i - 1].size >= t.size)).toBe(true);
    expect(r.warnings.find((w) => w.code === "large_values")?.examples).toEqual([big]);
    expect(r.warnings.find((w) => w.code === "foreign_keys")?.examples).toEqual([":notaversion:thing"]);

    // No TTL: the report chunks, the hash, the big blob and the foreign key.
    expect(r.noTtl).toBe(10 + 1 + 1 + 1);
    expect(sum(r.ttlHistogram) + r.noTtl).toBe(r.keys);
    expect(sum(r.sizeHistogram)).toBe(r.keys);
    // A server that refuses scripts gets the same figures through SCAN + pipelined metadata.
    const plain = await analyse(track(createRedisBackend(redisConfig("", 1, false))), redisConfig("", 1, false));
    expect({ ...plain, durationMs: 0 }).toEqual({ ...r, durationMs: 0 });
  });

  it("reads the layout after a KEY_PREFIX", async () => {
    await raw.flushdb();
    await raw.set("shop:3:cart:7", "c");
    await raw.set("shop:2:cart:7", "old");
    await raw.set(":1:cart:7", "another alias");
    // Keys come back whole whatever their length or encoding (the walk packs them with a 32-bit length).
    const long = `shop:3:long:${"k".repeat(70_000)}`;
    await raw.set(long, "l");
    await raw.set("shop:3:grüße", "g");
    const cfg = redisConfig("shop", 3);
    const r = await analyse(track(createRedisBackend(cfg)), cfg);
    expect(r.keys).toBe(4);
    expect(r.byVersion.map((v) => [v.version, v.keys, v.current])).toEqual([
      [2, 1, false],
      [3, 3, true],
    ]);
    expect(r.namespaces.children.map((c) => c.prefix).sort()).toEqual(["cart:", "long:"]);
    expect(r.top.map((t) => t.raw)).toContain(long);
    expect(r.top.map((t) => t.key)).toContain("grüße");
  });

  it("old versions found by the analysis are purged by the oldVersions invalidation target, and only they", async () => {
    await raw.set("shop:3:menu", "now");
    await raw.set("shop:2:menu", "before");
    await raw.set("shop:1:menu", "long ago");
    await raw.set("shop:x:menu", "not a version");
    const cfg = redisConfig("shop", 3);
    const backend = track(createRedisBackend(cfg));
    const before = await analyse(backend, cfg);
    expect(before.warnings.find((w) => w.code === "old_versions")?.keys).toBe(2);

    const request = parseInvalidateRequest({ target: { oldVersions: true }, dryRun: false });
    const done = await execute(backend, planFor({ config: cfg, capabilities: backend.capabilities }, request));
    expect(done.deleted).toBe(2);
    const after = await analyse(backend, cfg);
    expect(after.warnings.find((w) => w.code === "old_versions")).toBeUndefined();
    expect(await raw.exists("shop:3:menu", "shop:x:menu", ":1:app:users:1", ":2:old:thing")).toBe(4);
  });

  it("counts only keys that exist when measured: a flush mid-walk ends the count, without failing", async () => {
    for (const scripts of [true, false]) {
      await raw.flushdb();
      await raw.debug("POPULATE", 60_000, ":1:pop");
      const cfg = redisConfig("", 1, scripts);
      let atFlush: number | null = null;
      const r = await analyse(track(createRedisBackend(cfg)), cfg, {
        onProgress: (p) => {
          if (atFlush === null && p.matched > 0) {
            atFlush = p.matched;
            // Synchronous: the keys are gone before the walk's next call, while its next step may be in flight.
            execFileSync("redis-cli", ["-p", String(REDIS_PORT), "FLUSHDB"]);
          }
        },
      });
      expect(atFlush).not.toBeNull();
      expect(atFlush).toBeLessThan(60_000);
      if (scripts) {
        // SCAN and MEMORY USAGE run in one script call: the one step in flight may have measured its keys before the
        // flush (SCAN COUNT is a hint: a step can return a few more keys than COUNT, never twice as many here).
        expect(r.keys).toBeGreaterThanOrEqual(atFlush!);
        expect(r.keys).toBeLessThan(atFlush! + 2 * SIZED_SCAN_COUNT);
      } else {
        // SCAN first, metadata after: names listed before the flush get no metadata and are dropped as gone.
        expect(r.keys).toBe(atFlush);
      }
      expect(r.warnings.find((w) => w.code === "size_unknown")).toBeUndefined();
    }
  });

  it("stops a job cancelled mid-way, and keeps the last finished analysis per alias", async () => {
    await raw.flushdb();
    await raw.debug("POPULATE", 100_000, ":1:pop");
    const cfg = redisConfig();
    const backend = track(createRedisBackend(cfg));

    const controller = new AbortController();
    let seen = 0;
    await expect(
      analyse(backend, cfg, {
        signal: controller.signal,
        onProgress: (p) => {
          seen = p.matched;
          if (p.matched > 0) controller.abort();
        },
      }),
    ).rejects.toThrow();
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(100_000);

    const registry = new JobRegistry();
    const done = await waitForEnd(registry, startAnalysis(registry, cfg, backend, parseAnalysisRequest({})).id);
    expect(done.state).toBe("done");
    expect((done.result as AnalysisResult).keys).toBe(100_000);
    expect(done.total).toBe(100_000);

    const started = startAnalysis(registry, cfg, backend, parseAnalysisRequest({}));
    expect(analysisState(registry, cfg.alias).running?.id).toBe(started.id);
    registry.cancel(started.id);
    const cancelled = await waitForEnd(registry, started.id);
    expect(cancelled.state).toBe("cancelled");
    expect(cancelled.result).toBeUndefined();
    // The cancelled run does not replace the last finished one.
    expect(analysisState(registry, cfg.alias)).toMatchObject({ job: { id: done.id }, running: null });
  });
});

describe("Redis, sampled analysis", () => {
  beforeAll(async () => {
    await raw.flushdb();
    await raw.debug("POPULATE", 50_000, ":1:item");
    // Other apps' keys in the same database: RANDOMKEY draws them too, and they must not be counted.
    await raw.debug("POPULATE", 50_000, "other");
  });

  it("estimates totals from a random sample and says so", async () => {
    const cfg = redisConfig();
    const r = await analyse(track(createRedisBackend(cfg)), cfg, { sample: 2_000 });
    expect(r.sampled).toBe(true);
    expect(r.sampleSize).toBe(2_000);
    // DEBUG POPULATE values are "value:<n>": one size class, so the byte estimate is as good as the key estimate.
    expect(r.keys).toBeGreaterThan(45_000);
    expect(r.keys).toBeLessThan(55_000);
    const truth = await serverBytes(":1:item:");
    expect(Math.abs(r.bytes - truth.bytes) / truth.bytes).toBeLessThan(0.1);
    expect(r.warnings[0].code).toBe("sampled");
    expect(r.top.every((t) => t.raw?.startsWith(":1:item:"))).toBe(true);
  });

  it("analyses everything when the sample would cover the cache", async () => {
    await raw.flushdb();
    await raw.debug("POPULATE", 500, ":1:item");
    const cfg = redisConfig();
    const r = await analyse(track(createRedisBackend(cfg)), cfg, { sample: 1_000 });
    expect(r.sampled).toBe(false);
    expect(r.keys).toBe(500);
  });
});

/** Every item of a memcached server with its size, as `lru_crawler metadump all` reports it. */
function metadump(port: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let text = "";
    socket.on("error", reject);
    socket.on("connect", () => socket.write("lru_crawler metadump all\r\n"));
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (!text.endsWith("END\r\n")) return;
      socket.destroy();
      const sizes = new Map<string, number>();
      for (const line of text.split("\n")) {
        const key = /^key=(\S+)/.exec(line)?.[1];
        const size = /size=(\d+)/.exec(line)?.[1];
        if (key && size) sizes.set(decodeURIComponent(key), Number(size));
      }
      resolve(sizes);
    });
  });
}

describe("memcached (written by Django's PyMemcacheCache)", () => {
  let mc: MemcachedServerHandle;

  beforeAll(async () => {
    mc = await startMemcached({ port: MEMCACHED_PORT });
    const script = path.resolve(__dirname, "../../test/django-memcached/djmemcached.py");
    await run("/usr/bin/python3", [script, "write", JSON.stringify({ servers: [mc.location], bulk: 30 })]);
  });

  afterAll(async () => {
    await mc?.stop();
  });

  it("takes sizes from metadump, groups the bulk series and warns of items near the size limit", async () => {
    const cfg: CacheConfig = {
      alias: "pymc",
      backendPath: "django.core.cache.backends.memcached.PyMemcacheCache",
      locations: [mc.location],
      keyPrefix: "pm",
      version: 1,
      options: {},
      timeout: 300,
    };
    const r = await analyse(track(createMemcachedBackend(cfg)), cfg);
    const dumped = [...(await metadump(MEMCACHED_PORT))].filter(([k]) => k.startsWith("pm:"));
    expect(r.keys).toBe(dumped.length);
    expect(r.bytes).toBe(dumped.reduce((a, [, s]) => a + s, 0));
    expect(group(r, "series", "bulk:#")?.keys).toBe(30);
    expect(group(r, "fragment", "sidebar")?.keys).toBe(1);
    const near = r.warnings.find((w) => w.code === "near_item_limit");
    expect(near?.examples).toEqual(["pm:1:big"]);
    expect(r.top[0]).toMatchObject({ raw: "pm:1:big", key: "big", size: Object.fromEntries(dumped)["pm:1:big"] });
    // timeout=None → memcached exptime 0: never expires.
    expect(r.noTtl).toBe(6);
  });
});

describe("FileBasedCache (written by Django)", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cachescope-sizes-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("counts files and their sizes, and warns at MAX_ENTRIES", async () => {
    const written = djangoFiles<{ files: number }>("cull", dir, { maxEntries: 10, count: 10 });
    expect(written.files).toBe(10);
    const cfg = fileCacheConfig(dir, { MAX_ENTRIES: "10" });
    const r = await analyse(track(createFileBasedBackend(cfg)), cfg);
    expect(r.keys).toBe(10);
    expect(r.namedKeys).toBe(false);
    expect(r.top.every((t) => t.raw === null && /^[0-9a-f]{32}$/.test(t.file ?? ""))).toBe(true);
    expect(r.warnings.find((w) => w.code === "max_entries")?.keys).toBe(10);

    const roomy = fileCacheConfig(dir, { MAX_ENTRIES: "300" });
    const sampled = await analyse(track(createFileBasedBackend(roomy)), roomy, { sample: 100 });
    expect(sampled.warnings.find((w) => w.code === "max_entries")).toBeUndefined();
  });
});
