import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filebased as filebasedDescriptor } from "@/lib/backends/filebased";
const createFileBasedBackend = filebasedDescriptor.create;
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
const createMemcachedBackend = memcachedDescriptor.create;
import { redis as redisDescriptor } from "@/lib/backends/redis";
const createRedisBackend = redisDescriptor.create;
import type { CacheBackend, EntryRef } from "@/lib/backends/types";
import { readEntryView, type EntryView } from "@/lib/browse/read-entry";
import type { CacheConfig } from "@/lib/config/types";
import {
  compress,
  deepList,
  djcache,
  doublingList,
  memoBytesList,
  memoStrDictKeys,
  memoStrSet,
  memoStrTupleSet,
  type Wrapper,
} from "@/test/bombs";
import { startMemcached, type MemcachedServerHandle } from "@/test/memcached-server";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";

/**
 * Issue #10 items 1 and 2 on real servers and files: the two bombs and their variants are written into Redis,
 * memcached and FileBasedCache files, then read through the real backends and the entry/listing code, which decode on
 * the worker pool. While each decodes, a tiny HTTP server in this process (a stand-in for /api/health) is probed every
 * 20 ms and the RSS of the process (worker threads included) is sampled. Bounds are generous; figures are printed.
 */

const REDIS_PORT = 6383;
const MEMCACHED_PORT = 11278;

/** What one decode cost, measured from outside. */
interface Cost {
  ms: number;
  rssGrowthMb: number;
  probeMaxMs: number;
  probes: number;
  loopDelayMaxMs: number;
}

let redis: RedisServerHandle;
let memcached: MemcachedServerHandle;
let raw: Redis;
let health: http.Server;
let healthPort: number;
const dirs: string[] = [];
const report: string[] = [];

function redisConfig(db: number, compressor: Wrapper | null): CacheConfig {
  const compressors = { zlib: "zlib.ZlibCompressor", lzma: "lzma.LzmaCompressor", zstd: "zstd.ZStdCompressor" };
  return {
    alias: `redis-${compressor ?? "plain"}`,
    backendPath: "django_redis.cache.RedisCache",
    locations: [`redis://127.0.0.1:${REDIS_PORT}/${db}`],
    keyPrefix: "",
    version: 1,
    options: compressor === null ? {} : { COMPRESSOR: `django_redis.compressors.${compressors[compressor]}` },
    timeout: 300,
  };
}

const memcachedConfig: CacheConfig = {
  alias: "mc",
  backendPath: "django.core.cache.backends.memcached.PyMemcacheCache",
  locations: [`127.0.0.1:${MEMCACHED_PORT}`],
  keyPrefix: "",
  version: 1,
  options: {},
  timeout: 300,
};

function fileConfig(dir: string): CacheConfig {
  return {
    alias: "files",
    backendPath: "django.core.cache.backends.filebased.FileBasedCache",
    locations: [dir],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  };
}

/** `set` with client flags over the text protocol, as pymemcache writes a pickled (1) or zlib+pickled (9) value. */
function memcachedSet(key: string, flags: number, value: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(MEMCACHED_PORT, "127.0.0.1");
    let reply = "";
    socket.on("data", (d) => {
      reply += d.toString("latin1");
      if (reply.endsWith("\r\n")) {
        socket.end();
        if (reply.startsWith("STORED")) resolve();
        else reject(new Error(`memcached set ${key}: ${reply.trim()}`));
      }
    });
    socket.on("error", reject);
    socket.write(Buffer.concat([Buffer.from(`set ${key} ${flags} 0 ${value.length}\r\n`), value, Buffer.from("\r\n")]));
  });
}

/** Probes the health server every 20 ms and samples RSS while `work` runs. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; cost: Cost }> {
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let probeMaxMs = 0;
  let probes = 0;
  let running = true;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const probing = (async () => {
    while (running) {
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${healthPort}/health`);
      expect(await res.json()).toEqual({ ok: true });
      probeMaxMs = Math.max(probeMaxMs, performance.now() - started);
      probes++;
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const started = performance.now();
  let result: T;
  let ms: number;
  try {
    result = await work();
    ms = performance.now() - started;
  } finally {
    running = false;
    await probing;
    loop.disable();
  }
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  return { result, cost: { ms, rssGrowthMb: (rssPeak - rssBefore) / 2 ** 20, probeMaxMs, probes, loopDelayMaxMs: loop.max / 1e6 } };
}

function outcome(view: EntryView): string {
  if (view.limit) return `${view.value === null ? "stopped" : "cut"} by the ${view.limit.kind} limit`;
  if (view.error) return view.error.slice(0, 60);
  return `decoded (${JSON.stringify(view.value).length} B of JSON)`;
}

/** Reads and decodes one entry the way the entry API does, measuring it; checks the answer and the bounds. */
async function openEntry(name: string, backend: CacheBackend, ref: EntryRef, wireBytes: number): Promise<EntryView> {
  const { result: view, cost } = await measured(() => readEntryView(backend, backend.config, ref));
  expect(view, name).not.toBeNull();
  const v = view as EntryView;
  report.push(
    `${name}: ${wireBytes} B stored → ${outcome(v)} in ${cost.ms.toFixed(0)} ms; RSS +${cost.rssGrowthMb.toFixed(0)} MiB; ` +
      `health probe max ${cost.probeMaxMs.toFixed(0)} ms over ${cost.probes} probes; event-loop delay max ${cost.loopDelayMaxMs.toFixed(0)} ms`,
  );
  // The answer always has the metadata, the size and the raw bytes.
  expect(v.size ?? v.valueLength, name).toBeGreaterThan(0);
  expect(v.hex.length, name).toBeGreaterThan(0);
  if (v.value === null) expect(v.error, name).toMatch(/^undecodable: /);
  expect(cost.ms, name).toBeLessThan(5000);
  expect(cost.rssGrowthMb, name).toBeLessThan(512);
  // Generous for a loaded 2-core machine: the event loop stays free, so probes answer in a few ms.
  expect(cost.probeMaxMs, name).toBeLessThan(1000);
  expect(cost.probes, name).toBeGreaterThan(0);
  return v;
}

beforeAll(async () => {
  redis = await startRedisServer({ port: REDIS_PORT });
  memcached = await startMemcached({ port: MEMCACHED_PORT, memoryMb: 256, args: ["-I", "16m"] });
  raw = new Redis({ port: REDIS_PORT, lazyConnect: true, protocol: 2 });
  await raw.connect();
  health = http.createServer((_req, res) => res.end(JSON.stringify({ ok: true })));
  await new Promise<void>((resolve) => health.listen(0, "127.0.0.1", resolve));
  healthPort = (health.address() as { port: number }).port;
});

afterAll(async () => {
  console.log(`hostile values, measured:\n  ${report.join("\n  ")}`);
  raw?.disconnect();
  await new Promise((r) => health?.close(r));
  await redis?.stop();
  await memcached?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const MB = 1 << 20;

describe("hostile values in Redis (django-redis), read through the entry path", () => {
  const plain: [string, () => Buffer][] = [
    ["memoized 1 MB bytes in a list ×200,000", () => memoBytesList(MB, 200_000)],
    ["memoized 100 KB bytes in a list ×3,000", () => memoBytesList(100 << 10, 3_000)],
    ["memoized 1 MB str in a set ×500,000", () => memoStrSet(MB, 500_000)],
    ["memoized 1 MB str as a dict key ×200,000", () => memoStrDictKeys(MB, 200_000)],
    ["set of 500,000 tuples holding one memoized 1 MB str", () => memoStrTupleSet(MB, 500_000)],
    ["lists nested 100,000 deep", () => deepList(100_000)],
    ["shared lists doubling 60 levels", () => doublingList(60)],
  ];
  for (const [name, make] of plain) {
    it(name, async () => {
      const bytes = make();
      await raw.set(`:1:${name}`, bytes);
      const view = await openEntry(`redis ${name}`, createRedisBackend(redisConfig(0, null)), { raw: `:1:${name}` }, bytes.length);
      if (name.startsWith("memoized 1 MB bytes")) {
        // The blob appears once; every other item refers to it.
        const list = view.value as { items: { type: string; id?: number }[] };
        expect(list.items[0].id).toBe(1);
        expect(list.items[1]).toStrictEqual({ type: "ref", id: 1 });
      }
      if (name.startsWith("memoized 1 MB str in a set")) {
        // Python's set holds the one str once: so does the answer.
        expect((view.value as { items: unknown[] }).items).toHaveLength(1);
      }
    });
  }

  const wrapped: [Wrapper, number, string, () => Buffer][] = [
    ["zlib", 1, "memoized 1 MB str in a set ×500,000", () => memoStrSet(MB, 500_000)],
    ["lzma", 2, "memoized 1 MB bytes in a list ×200,000", () => memoBytesList(MB, 200_000)],
    ["zstd", 3, "memoized 1 MB str as a dict key ×200,000", () => memoStrDictKeys(MB, 200_000)],
    ["zstd", 3, "set of 500,000 tuples holding one memoized 1 MB str", () => memoStrTupleSet(MB, 500_000)],
  ];
  for (const [wrapper, db, name, make] of wrapped) {
    it(`${wrapper}: ${name}`, async () => {
      const bytes = compress(make(), wrapper);
      const key = `:1:${wrapper}:${name}`;
      const client = new Redis({ port: REDIS_PORT, db, lazyConnect: true, protocol: 2 });
      await client.connect();
      await client.set(key, bytes);
      client.disconnect();
      const view = await openEntry(`redis+${wrapper} ${name}`, createRedisBackend(redisConfig(db, wrapper)), { raw: key }, bytes.length);
      if (view.value !== null) expect(view.encoding.compression).toBe(wrapper);
    });
  }
});

describe("hostile values in memcached (pymemcache flags), read through the entry path", () => {
  const cases: [string, number, () => Buffer][] = [
    ["pickle: memoized 1 MB bytes in a list ×200,000", 1, () => memoBytesList(MB, 200_000)],
    ["zlib+pickle: memoized 1 MB str in a set ×500,000", 9, () => compress(memoStrSet(MB, 500_000), "zlib")],
    ["zlib+pickle: set of 500,000 tuples holding one memoized 1 MB str", 9, () => compress(memoStrTupleSet(MB, 500_000), "zlib")],
  ];
  for (const [name, flags, make] of cases) {
    it(name, async () => {
      const bytes = make();
      const key = `bomb:${flags}:${name.length}`;
      await memcachedSet(key, flags, bytes);
      const view = await openEntry(`memcached ${name}`, createMemcachedBackend(memcachedConfig), { raw: key }, bytes.length);
      expect(view.encoding.flags).toBe(flags);
    });
  }
});

describe("hostile FileBasedCache files, through the entry path and the listing", () => {
  let dir: string;
  const files: [string, string, () => Buffer][] = [
    [
      "0123456789abcdef0123456789abcde1",
      "the 2 KB file of issue #10: zlib → set of 500,000 references to one 1 MB str",
      () => djcache(memoStrSet(MB, 500_000)),
    ],
    ["0123456789abcdef0123456789abcde2", "memoized 1 MB bytes in a list ×200,000", () => djcache(memoBytesList(MB, 200_000))],
    [
      "0123456789abcdef0123456789abcde3",
      "set of 500,000 tuples holding one memoized 1 MB str",
      () => djcache(memoStrTupleSet(MB, 500_000)),
    ],
    ["0123456789abcdef0123456789abcde4", "lists nested 100,000 deep", () => djcache(deepList(100_000))],
    [
      "0123456789abcdef0123456789abcde5",
      "a plain str",
      () => djcache(Buffer.from("\x80\x04\x95\x09\x00\x00\x00\x00\x00\x00\x00\x8c\x05hello\x94.", "latin1")),
    ],
  ];

  beforeAll(() => {
    const root = mkdtempSync(path.join(os.tmpdir(), "cachescope-hostile-"));
    dirs.push(root);
    dir = root;
    for (const [file, , make] of files) writeFileSync(path.join(dir, `${file}.djcache`), make());
  });

  for (const [file, name, make] of files.slice(0, 4)) {
    it(`entry: ${name}`, async () => {
      await openEntry(`djcache ${name}`, createFileBasedBackend(fileConfig(dir)), { file }, make().length);
    });
  }

  it("listing with previews answers for every file, the hostile ones included", async () => {
    const backend = createFileBasedBackend(fileConfig(dir));
    const { result: page, cost } = await measured(() => backend.listKeys({ prefix: "", cursor: null, count: 100, withMeta: true }));
    report.push(
      `djcache listing of ${files.length} files with previews: ${cost.ms.toFixed(0)} ms; RSS +${cost.rssGrowthMb.toFixed(0)} MiB; ` +
        `health probe max ${cost.probeMaxMs.toFixed(0)} ms; event-loop delay max ${cost.loopDelayMaxMs.toFixed(0)} ms; previews: ` +
        page.keys.map((r) => JSON.stringify(r.preview)).join(", "),
    );
    expect(page.keys).toHaveLength(files.length);
    for (const row of page.keys) expect((row.preview ?? "").length, row.file).toBeGreaterThan(0);
    expect(page.keys.find((r) => r.file === files[4][0])?.preview).toBe("'hello'");
    expect(cost.ms).toBeLessThan(10_000);
    expect(cost.rssGrowthMb).toBeLessThan(512);
    expect(cost.probeMaxMs).toBeLessThan(1000);
  });
});
