import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Redis from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { analyse } from "@/lib/analysis/run";
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
import { redis as redisDescriptor } from "@/lib/backends/redis";
import type { CacheBackend, KeyRow } from "@/lib/backends/types";
import { listKeys } from "@/lib/browse/list-keys";
import type { CacheConfig } from "@/lib/config/types";
import { execute } from "@/lib/invalidate/run";
import { startMemcached, type MemcachedServerHandle } from "@/test/memcached-server";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { BUCKET_SECONDS, MAX_BUCKET_BYTES, bucketKey, bucketOf } from "./format";
import { namespaceHistory, namespacesAnswer } from "./service";
import { recordLine, type TestCounters } from "./test-writer";

/**
 * The companion's buckets on real servers, written the way docs/COUNTERS_FORMAT.md says (Redis APPEND + EXPIRE,
 * memcached add-empty + append), read back through the console's service; and the counter keys kept out of the key
 * browser, size analysis and purges.
 */

const REDIS_PORT = 6394;
const SHARD_PORT = 6395;
const MEMCACHED_PORT = 11294;
/** Nothing listens here: the second server of a memcached LOCATION the console must not need. */
const DEAD_MEMCACHED_PORT = 11293;

const holder = globalThis as unknown as { __cachescope?: unknown; __cachescopeNamespaces?: unknown };
const saved = { ...process.env };

function redisConfig(alias: string, locations: string[], extra: Partial<CacheConfig> = {}): CacheConfig {
  return { alias, backendPath: "django_redis.cache.RedisCache", locations, keyPrefix: "", version: 1, options: {}, timeout: 300, ...extra };
}

async function redisAppend(client: Redis, alias: string, ns: Record<string, TestCounters>, at: number, pid = 1): Promise<number> {
  const bucket = bucketOf(at);
  const key = bucketKey(alias, bucket);
  await client
    .multi()
    .append(key, recordLine(alias, ns, at, pid))
    .expire(key, 10_800)
    .exec();
  return bucket;
}

/** A text-protocol exchange with memcached: the companion's add (empty) then append. */
function memcachedSend(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let reply = "";
    socket.on("data", (d) => {
      reply += d.toString("latin1");
      if (/(STORED|NOT_STORED|ERROR)\r\n$/.test(reply)) socket.end();
    });
    socket.on("end", () => resolve(reply));
    socket.on("error", reject);
    socket.write(payload);
  });
}

async function memcachedAppend(alias: string, ns: Record<string, TestCounters>, at: number, pid = 1): Promise<number> {
  const bucket = bucketOf(at);
  const key = bucketKey(alias, bucket);
  const line = recordLine(alias, ns, at, pid);
  await memcachedSend(MEMCACHED_PORT, `add ${key} 0 10800 0\r\n\r\n`);
  const reply = await memcachedSend(MEMCACHED_PORT, `append ${key} 0 10800 ${Buffer.byteLength(line)}\r\n${line}\r\n`);
  if (!reply.startsWith("STORED")) throw new Error(`append: ${reply}`);
  return bucket;
}

function useCaches(caches: Record<string, Record<string, unknown>>, sinks?: Record<string, string>) {
  holder.__cachescope = undefined;
  holder.__cachescopeNamespaces = undefined;
  process.env.CACHESCOPE_TOKEN = "stores-test-token-0123456789";
  process.env.CACHESCOPE_AUDIT_LOG = "/dev/null";
  process.env.CACHESCOPE_CACHES = JSON.stringify(caches);
  if (sinks) process.env.CACHESCOPE_SINKS = JSON.stringify(sinks);
  else delete process.env.CACHESCOPE_SINKS;
}

async function closeContext(): Promise<void> {
  const ctx = holder.__cachescope as { backends?: Map<string, CacheBackend | null> } | undefined;
  for (const b of ctx?.backends?.values() ?? []) await b?.close();
  holder.__cachescope = undefined;
  holder.__cachescopeNamespaces = undefined;
}

describe("counter buckets on real servers", () => {
  let redis: RedisServerHandle;
  let shard: RedisServerHandle;
  let memcached: MemcachedServerHandle;
  let client: Redis;
  let shardClient: Redis;

  beforeAll(async () => {
    redis = await startRedisServer({ port: REDIS_PORT });
    shard = await startRedisServer({ port: SHARD_PORT });
    memcached = await startMemcached({ port: MEMCACHED_PORT });
    client = new Redis({ port: REDIS_PORT, lazyConnect: true });
    shardClient = new Redis({ port: SHARD_PORT, lazyConnect: true });
    await client.connect();
    await shardClient.connect();
  });
  afterAll(async () => {
    await closeContext();
    process.env = { ...saved };
    client?.disconnect();
    shardClient?.disconnect();
    await redis?.stop();
    await shard?.stop();
    await memcached?.stop();
  });
  // No FLUSHDB / flush_all, even on servers of our own: each test writes under aliases of its own instead.
  beforeEach(closeContext);

  it("Redis: the API answers exactly what two processes appended to the alias's own db", async () => {
    useCaches({ default: { BACKEND: "django_redis.cache.RedisCache", LOCATION: `redis://127.0.0.1:${REDIS_PORT}/0` } });
    const now = Date.now() / 1000;
    await redisAppend(
      client,
      "default",
      { "api:product-list": { k: "view", h: 12, m: 3, s: 3 }, session: { k: "session", h: 5, t: 2 } },
      now - 15,
      1,
    );
    await redisAppend(client, "default", { "api:product-list": { k: "view", h: 2, m: 1, s: 1 }, user: { k: "key", s: 4, d: 1 } }, now, 2);
    await redisAppend(client, "default", { "api:product-list": { k: "view", h: 1 } }, now, 3);
    // Another alias's bucket on the same server is not this alias's.
    await redisAppend(client, "other", { "api:product-list": { k: "view", h: 1000 } }, now);
    const a = await namespacesAnswer("default", 60);
    expect(a).toMatchObject({ source: "django", records: 3, total: { hits: 20, misses: 4, sets: 8, deletes: 1, touches: 2 } });
    expect(a.namespaces.find((n) => n.name === "api:product-list")).toMatchObject({
      kind: "view",
      hits: 15,
      misses: 4,
      sets: 4,
      hitRatio: 15 / 19,
    });
    expect(a.namespaces.find((n) => n.name === "user")?.flags).toEqual(["written-never-read"]);
    expect(await client.ttl(bucketKey("default", bucketOf(now)))).toBeGreaterThan(10_000);
  });

  it("Redis: reading an hour of buckets adds no keyspace misses to the server-wide counters it shows", async () => {
    useCaches({ quiet: { BACKEND: "django_redis.cache.RedisCache", LOCATION: `redis://127.0.0.1:${REDIS_PORT}/0` } });
    await redisAppend(client, "quiet", { a: { k: "key", h: 1 } }, Date.now() / 1000);
    const stat = async (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(await client.info("stats"))?.[1]);
    const misses = await stat("keyspace_misses");
    const hits = await stat("keyspace_hits");
    const a = await namespacesAnswer("quiet", 3600);
    expect(a.total.hits).toBe(1);
    expect(await stat("keyspace_misses")).toBe(misses);
    // The one bucket that exists is read: one lookup.
    expect(await stat("keyspace_hits")).toBe(hits + 1);
  });

  it("Redis: a bucket key of another type and a bucket past the read limit are reported, not a failure", async () => {
    useCaches({ typed: { BACKEND: "django.core.cache.backends.redis.RedisCache", LOCATION: `redis://127.0.0.1:${REDIS_PORT}/0` } });
    const now = Date.now() / 1000;
    const b = await redisAppend(client, "typed", { a: { k: "key", h: 1 } }, now);
    await client.hset(bucketKey("typed", b - BUCKET_SECONDS), "x", "y");
    const big = Buffer.alloc(MAX_BUCKET_BYTES + 100, "x");
    await client.set(
      bucketKey("typed", b - 2 * BUCKET_SECONDS),
      Buffer.concat([Buffer.from(recordLine("typed", { a: { k: "key", h: 5 } }, now - 20)), big]),
    );
    const started = performance.now();
    const a = await namespacesAnswer("typed", 60);
    const ms = performance.now() - started;
    console.log(`redis: a 60-s window with a ${(big.length / 1e6).toFixed(1)} MB bucket read and parsed in ${ms.toFixed(0)} ms`);
    expect(a.total.hits).toBe(6);
    // The rest of the 4 MiB is one line of "x": over 1 MiB, so skipped as too long before it could count as cut short.
    expect(a.skipped).toEqual({ unreadable: 1, bucketCut: 1, tooLong: 1 });
  });

  it("Redis ShardClient: read on the first LOCATION, where the companion writes (not by the hash ring)", async () => {
    const locations = [`redis://127.0.0.1:${REDIS_PORT}/0`, `redis://127.0.0.1:${SHARD_PORT}/0`];
    useCaches({
      sharded: {
        BACKEND: "django_redis.cache.RedisCache",
        LOCATION: locations,
        OPTIONS: { CLIENT_CLASS: "django_redis.client.ShardClient" },
      },
    });
    const now = Date.now() / 1000;
    await redisAppend(client, "sharded", { a: { k: "key", h: 1, m: 1 } }, now);
    await redisAppend(shardClient, "sharded", { a: { k: "key", h: 2 } }, now);
    expect((await namespacesAnswer("sharded", 60)).total).toMatchObject({ hits: 1, misses: 1 });
  });

  it("memcached: read on the first server of LOCATION, the others not needed; history keeps its buckets", async () => {
    useCaches({
      mc: {
        BACKEND: "django.core.cache.backends.memcached.PyMemcacheCache",
        LOCATION: [`127.0.0.1:${MEMCACHED_PORT}`, `127.0.0.1:${DEAD_MEMCACHED_PORT}`],
      },
    });
    const now = Date.now() / 1000;
    const b1 = await memcachedAppend("mc", { "fragment:sidebar": { k: "fragment", h: 9, m: 1, s: 1 } }, now - 30, 1);
    await memcachedAppend("mc", { "fragment:sidebar": { k: "fragment", h: 1 } }, now - 30, 2);
    const b2 = await memcachedAppend("mc", { "fragment:sidebar": { k: "fragment", m: 2, s: 2 } }, now);
    const a = await namespacesAnswer("mc", 60);
    expect(a.namespaces).toEqual([expect.objectContaining({ name: "fragment:sidebar", kind: "fragment", hits: 10, misses: 3, sets: 3 })]);
    const h = await namespaceHistory("mc", "fragment:sidebar", b1 * 1000);
    expect(h.points[0]).toMatchObject({ t: b1 * 1000, hits: 10, misses: 1 });
    expect(h.points.find((p) => p.t === b2 * 1000)).toMatchObject({ misses: 2, sets: 2 });
  });

  it("a DummyCache reads its counters from another alias's store (CACHESCOPE_SINKS), under its own name", async () => {
    useCaches(
      {
        holder: { BACKEND: "django_redis.cache.RedisCache", LOCATION: `redis://127.0.0.1:${REDIS_PORT}/0` },
        dummy: { BACKEND: "django.core.cache.backends.dummy.DummyCache" },
      },
      { dummy: "holder" },
    );
    const now = Date.now() / 1000;
    await redisAppend(client, "dummy", { session: { k: "session", m: 4, s: 4 } }, now);
    await redisAppend(client, "holder", { session: { k: "session", h: 50 } }, now);
    expect((await namespacesAnswer("dummy", 60)).total).toMatchObject({ hits: 0, misses: 4, sets: 4 });
    expect((await namespacesAnswer("holder", 60)).total).toMatchObject({ hits: 50, misses: 0 });
  });

  it("a server that is down answers an error naming it, not a 500", async () => {
    useCaches({ gone: { BACKEND: "django_redis.cache.RedisCache", LOCATION: "redis://127.0.0.1:6396/0" } });
    await expect(namespacesAnswer("gone", 60)).rejects.toMatchObject({ name: "BackendError", code: "unreachable" });
  });

  describe("the real companion (integrations/django) in two Django processes", () => {
    const run = promisify(execFile);
    const SCRIPT = path.join(__dirname, "../../test/django-companion/script.py");
    let tmp: string;
    beforeAll(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), "companion-"));
    });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    /** What one process of script.py counts on a cache that keeps what it is given. */
    const PER_PROCESS = {
      user: { kind: "key", hits: 2, misses: 2, sets: 1, adds: 0, deletes: 1, incrs: 0, touches: 0 },
      "cached-none": { kind: "key", hits: 1, misses: 0, sets: 1, adds: 0, deletes: 0, incrs: 0, touches: 0 },
      report: { kind: "key", hits: 0, misses: 1, sets: 1, adds: 0, deletes: 0, incrs: 0, touches: 0 },
      "fragment:sidebar": { kind: "fragment", hits: 1, misses: 1, sets: 1, adds: 0, deletes: 0, incrs: 0, touches: 0 },
      session: { kind: "session", hits: 0, misses: 1, sets: 0, adds: 0, deletes: 0, incrs: 0, touches: 0 },
      lock: { kind: "key", hits: 0, misses: 0, sets: 0, adds: 1, deletes: 0, incrs: 0, touches: 1 },
    };
    /** DummyCache keeps nothing: every get a miss. */
    const DUMMY_PER_PROCESS = {
      ...PER_PROCESS,
      user: { ...PER_PROCESS.user, hits: 0, misses: 4 },
      "cached-none": { ...PER_PROCESS["cached-none"], hits: 0, misses: 1 },
      "fragment:sidebar": { ...PER_PROCESS["fragment:sidebar"], hits: 0, misses: 2 },
    };

    function counted(answer: Awaited<ReturnType<typeof namespacesAnswer>>) {
      return Object.fromEntries(
        answer.namespaces.map((n) => [
          n.name,
          {
            kind: n.kind,
            hits: n.hits,
            misses: n.misses,
            sets: n.sets,
            adds: n.adds,
            deletes: n.deletes,
            incrs: n.incrs,
            touches: n.touches,
          },
        ]),
      );
    }

    function times<T extends Record<string, Record<string, number | string>>>(per: T, n: number): T {
      return Object.fromEntries(
        Object.entries(per).map(([name, c]) => [
          name,
          Object.fromEntries(Object.entries(c).map(([k, v]) => [k, typeof v === "number" ? v * n : v])),
        ]),
      ) as T;
    }

    it("counts a scripted sequence on Redis, memcached, FileBasedCache and a DummyCache's sink, and the API answers exactly it", async () => {
      const caches = {
        // db 1: the app keys it leaves behind stay out of the other tests' way.
        cs_redis: { BACKEND: "django_redis.cache.RedisCache", LOCATION: `redis://127.0.0.1:${REDIS_PORT}/1` },
        cs_mc: { BACKEND: "django.core.cache.backends.memcached.PyMemcacheCache", LOCATION: `127.0.0.1:${MEMCACHED_PORT}` },
        cs_files: { BACKEND: "django.core.cache.backends.filebased.FileBasedCache", LOCATION: path.join(tmp, "files") },
        cs_dummy: { BACKEND: "django.core.cache.backends.dummy.DummyCache" },
      };
      const sinks = { cs_dummy: path.join(tmp, "sink") };
      const arg = JSON.stringify({ caches, sinks });
      // Two processes at once, as two gunicorn workers would be: each flushes its own record at exit.
      const outs = await Promise.all([0, 1].map(() => run("/usr/bin/python3", [SCRIPT, arg], { timeout: 60_000 })));
      for (const o of outs) expect(o.stderr).toBe("");
      useCaches(caches, sinks);
      for (const alias of ["cs_redis", "cs_mc", "cs_files"]) {
        const a = await namespacesAnswer(alias, 60);
        expect({ alias, source: a.source, skipped: a.skipped }).toEqual({ alias, source: "django", skipped: undefined });
        expect(counted(a)).toEqual(times(PER_PROCESS, 2));
        expect(a.records).toBe(2);
      }
      const dummy = await namespacesAnswer("cs_dummy", 60);
      expect(counted(dummy)).toEqual(times(DUMMY_PER_PROCESS, 2));
      expect(dummy.total.hitRatio).toBe(0);
    });
  });

  describe("the counter keys stay out of the key browser, size analysis and purges", () => {
    async function seedRedis(): Promise<string[]> {
      const now = Date.now() / 1000;
      const b1 = await redisAppend(client, "hidden", { a: { k: "key", h: 1 } }, now);
      const b2 = await redisAppend(client, "hidden", { a: { k: "key", h: 1 } }, now - 10);
      await client.set(":1:user:1", "x");
      await client.set(":1:user:2", "y");
      return [bucketKey("hidden", b1), bucketKey("hidden", b2)];
    }

    it("Redis: raw browsing, a purge walking every key, and an analysis walking them list only the app's keys", async () => {
      const counterKeys = await seedRedis();
      const config = redisConfig("default", [`redis://127.0.0.1:${REDIS_PORT}/0`]);
      const backend = redisDescriptor.create(config);
      try {
        const page = await listKeys(backend, config, { prefix: "", cursor: null, count: 100, allVersions: false, raw: true });
        expect(page.keys.map((k) => k.raw).sort()).toEqual([":1:user:1", ":1:user:2"]);
        const allVersions = await listKeys(backend, config, { prefix: "", cursor: null, count: 100, allVersions: true, raw: false });
        expect(allVersions.keys.map((k) => k.raw).sort()).toEqual([":1:user:1", ":1:user:2"]);

        // A KEY_PREFIX that makes the analysis walk cover the counter keys too: they are still not counted.
        const walked = await analyse(backend, { ...config, keyPrefix: "__cachescope__" });
        expect(walked.keys).toBe(0);

        const progress = await execute(backend, { mode: "scan", scans: [{ rawPrefix: "", accept: () => true }], notes: [] });
        expect(progress.deleted).toBe(2);
        expect(await client.exists(...counterKeys)).toBe(2);
        expect(await client.exists(":1:user:1")).toBe(0);
      } finally {
        await backend.close();
      }
    });

    it("memcached: raw listing and a purge of every key leave the counter keys alone", async () => {
      const now = Date.now() / 1000;
      const bucket = await memcachedAppend("hidden", { a: { k: "key", h: 1 } }, now);
      await memcachedSend(MEMCACHED_PORT, "set :1:user:1 0 0 1\r\nx\r\n");
      const config: CacheConfig = {
        alias: "mc",
        backendPath: "django.core.cache.backends.memcached.PyMemcacheCache",
        locations: [`127.0.0.1:${MEMCACHED_PORT}`],
        keyPrefix: "",
        version: 1,
        options: {},
        timeout: 300,
      };
      const backend = memcachedDescriptor.create(config);
      try {
        // Other tests' app keys share this server: what matters is that no counter key is listed.
        const page = await listKeys(backend, config, { prefix: "", cursor: null, count: 1000, allVersions: false, raw: true });
        expect(page.keys.map((k) => k.raw)).toContain(":1:user:1");
        expect(page.keys.filter((k) => k.raw?.startsWith("__cachescope__:"))).toEqual([]);
        const rows: KeyRow[] = [];
        for await (const batch of backend.iterate({ prefix: "", batch: 100, withSizes: false })) rows.push(...batch);
        expect(rows.map((r) => r.raw)).toContain(bucketKey("hidden", bucket));
        const progress = await execute(backend, { mode: "scan", scans: [{ rawPrefix: "", accept: () => true }], notes: [] });
        expect(progress.deleted).toBeGreaterThanOrEqual(1);
        expect(await backend.readEntry({ raw: ":1:user:1" }, 10)).toBeNull();
        const still = await backend.readCounterBuckets?.("hidden", [bucket]);
        expect(still?.get(bucket)?.bytes.length).toBeGreaterThan(0);
      } finally {
        await backend.close();
      }
    });
  });
});
