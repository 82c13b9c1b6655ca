import { connect } from "node:net";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
const createMemcachedBackend = memcachedDescriptor.create;
import { redis as redisDescriptor } from "@/lib/backends/redis";
const createRedisBackend = redisDescriptor.create;
import type { CacheBackend } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { startMemcached, type MemcachedServerHandle } from "@/test/memcached-server";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { historyAnswer, statsAnswer } from "./report";
import { StatsSampler } from "./sampler";

/**
 * The sampler against real servers: known numbers of hits and misses are driven in, the sampler is polled by hand
 * with a clock the test moves (2 s per poll), and what it reports must match to the unit. No timers, no sleeps.
 */

const REDIS_PORT = 6382;
const MC_PORTS = [11282, 11283];
const STEP = 2000;

function redisConfig(port: number): CacheConfig {
  return {
    alias: "redis",
    backendPath: "django_redis.cache.RedisCache",
    locations: [`redis://127.0.0.1:${port}/0`],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  };
}

/** A sampler over one cache, with a hand-moved clock. */
function sampler(cache: CacheConfig, backend: CacheBackend) {
  let now = 1_700_000_000_000;
  const s = new StatsSampler({ caches: () => [cache], backendFor: () => backend, intervalMs: STEP, timeoutMs: 10_000, now: () => now });
  return {
    s,
    /** Moves the clock one interval on and polls. */
    async step() {
      now += STEP;
      await s.poll(cache.alias);
    },
  };
}

async function redisGets(port: number, hits: number, misses: number): Promise<void> {
  const r = new Redis({ port, host: "127.0.0.1", lazyConnect: true });
  try {
    await r.connect();
    await r.set("stats:present", "x");
    for (let i = 0; i < hits; i++) await r.get("stats:present");
    for (let i = 0; i < misses; i++) await r.get(`stats:absent:${i}`);
  } finally {
    r.disconnect();
  }
}

/** Sends text-protocol commands to one memcached and waits for the expected number of END/STORED/RESET replies. */
function memcachedSay(port: number, commands: string[], replies: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let text = "";
    socket.on("error", reject);
    socket.on("connect", () => socket.write(commands.join("")));
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if ((text.match(/^(END|STORED|RESET)\r$/gm) ?? []).length >= replies) {
        socket.destroy();
        resolve();
      }
    });
  });
}

async function memcachedGets(port: number, hits: number, misses: number): Promise<void> {
  const commands = ["set stats:present 0 0 1\r\nx\r\n"];
  for (let i = 0; i < hits; i++) commands.push("get stats:present\r\n");
  for (let i = 0; i < misses; i++) commands.push(`get stats:absent:${i}\r\n`);
  await memcachedSay(port, commands, 1 + hits + misses);
}

describe("sampler against a real redis-server", () => {
  let server: RedisServerHandle;
  let backend: CacheBackend;
  const cache = redisConfig(REDIS_PORT);

  beforeAll(async () => {
    server = await startRedisServer({ port: REDIS_PORT });
    backend = createRedisBackend(cache);
  });
  afterAll(async () => {
    await backend?.close();
    await server?.stop();
  });

  it("reports the hits and misses driven in, per interval and over the window", async () => {
    const { s, step } = sampler(cache, backend);
    await step();
    await redisGets(REDIS_PORT, 30, 10);
    await step();
    await redisGets(REDIS_PORT, 6, 14);
    await step();

    const track = s.track("redis");
    const answer = statsAnswer("redis", track, STEP, 60);
    expect(answer.window).toMatchObject({ hits: 36, misses: 24, coveredSeconds: 4, opsPerSec: 15 });
    expect(answer.window?.hitRatio).toBeCloseTo(0.6, 10);
    // Only the newest interval: 6 hits, 14 misses in 2 s.
    expect(statsAnswer("redis", track, STEP, 2).window).toMatchObject({ hits: 6, misses: 14, hitRatio: 0.3, opsPerSec: 10 });
    expect(answer.serverWide).toBe(true);
    expect(answer.totals).toMatchObject({ hits: 36, misses: 24, items: 1 });

    const points = historyAnswer(track, { seconds: 3600 }, STEP)?.points ?? [];
    expect(points.map((p) => [p.hits, p.misses])).toEqual([
      [null, null],
      [30, 10],
      [6, 14],
    ]);
    expect(points[0].newSeries).toBe("first");
    expect(points[1]).toMatchObject({ hitRatio: 0.75, opsPerSec: 20, items: 1, up: true });
    const perServer = historyAnswer(track, { seconds: 3600, server: `127.0.0.1:${REDIS_PORT}` }, STEP);
    expect(perServer?.server).toBe(`127.0.0.1:${REDIS_PORT}/0`);
    expect(perServer?.points.map((p) => p.hits)).toEqual([null, 30, 6]);
  });

  it("starts a new series when the server restarts, with no negative interval", async () => {
    const { s, step } = sampler(cache, backend);
    await step();
    await redisGets(REDIS_PORT, 20, 0);
    await step();

    // Restarted between two polls: the next poll sees counters (and maybe uptime) lower than before.
    await server.stop();
    server = await startRedisServer({ port: REDIS_PORT });
    await redisGets(REDIS_PORT, 3, 1);
    await step();
    await redisGets(REDIS_PORT, 4, 4);
    await step();

    // Down during a poll, then back: the gap is marked and the next good sample starts afresh.
    await server.stop();
    await step();
    const down = s.track("redis");
    expect(down.downSince).not.toBeNull();
    expect(statsAnswer("redis", down, STEP, 60).servers[0]).toMatchObject({ ok: false });
    server = await startRedisServer({ port: REDIS_PORT });
    await step();
    await redisGets(REDIS_PORT, 5, 5);
    await step();

    const track = s.track("redis");
    expect(track.downSince).toBeNull();
    const points = historyAnswer(track, { seconds: 3600 }, STEP)?.points ?? [];
    expect(points.map((p) => [p.hits, p.misses])).toEqual([
      [null, null],
      [20, 0],
      [null, null],
      [4, 4],
      [null, null],
      [null, null],
      [5, 5],
    ]);
    expect(["restart", "counter-reset"]).toContain(points[2].newSeries);
    expect(points[4]).toMatchObject({ up: false, items: null });
    expect(points[5].newSeries).toBe("after-error");
    for (const p of points) {
      for (const v of [p.hits, p.misses, p.opsPerSec, p.evictions, p.expirations]) expect(v === null || v >= 0).toBe(true);
    }
    expect(statsAnswer("redis", track, STEP, 3600).window).toMatchObject({ hits: 29, misses: 9, coveredSeconds: 6 });
  });
});

describe("sampler against a pool of two real memcached servers", () => {
  let servers: MemcachedServerHandle[] = [];
  let backend: CacheBackend;
  let cache: CacheConfig;

  beforeAll(async () => {
    servers = await Promise.all(MC_PORTS.map((port) => startMemcached({ port })));
    cache = {
      alias: "mc",
      backendPath: "django.core.cache.backends.memcached.PyMemcacheCache",
      locations: servers.map((s) => s.location),
      keyPrefix: "",
      version: 1,
      options: {},
      timeout: 300,
    };
    backend = createMemcachedBackend(cache);
  });
  afterAll(async () => {
    await backend?.close();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("reports hits and misses per server and summed over the pool", async () => {
    const { s, step } = sampler(cache, backend);
    await step();
    await memcachedGets(MC_PORTS[0], 8, 2);
    await memcachedGets(MC_PORTS[1], 1, 9);
    await step();

    const answer = statsAnswer("memcached", s.track("mc"), STEP, 60);
    expect(answer.window).toMatchObject({ hits: 9, misses: 11, opsPerSec: 10, coveredSeconds: 2 });
    expect(answer.window?.hitRatio).toBeCloseTo(0.45, 10);
    const [a, b] = answer.servers;
    expect(a).toMatchObject({ server: servers[0].location, ok: true, window: { hits: 8, misses: 2, hitRatio: 0.8 } });
    expect(b).toMatchObject({ server: servers[1].location, ok: true, window: { hits: 1, misses: 9, hitRatio: 0.1 } });
    expect(answer.totals).toMatchObject({ hits: 9, misses: 11, items: 2 });
    expect(answer.totals?.maxBytes).toBe(2 * 64 * 1024 * 1024);
    expect(answer.extra.byServer[servers[0].location]).toHaveProperty("slabs");
  });

  it("starts a new series for a server after `stats reset`, the other carrying on", async () => {
    const { s, step } = sampler(cache, backend);
    await step();
    await memcachedGets(MC_PORTS[0], 5, 0);
    await memcachedGets(MC_PORTS[1], 2, 2);
    await step();
    await memcachedSay(MC_PORTS[0], ["stats reset\r\n"], 1);
    await memcachedGets(MC_PORTS[0], 1, 0);
    await memcachedGets(MC_PORTS[1], 3, 1);
    await step();

    const track = s.track("mc");
    const first = historyAnswer(track, { seconds: 3600, server: servers[0].location }, STEP)?.points ?? [];
    expect(first.map((p) => p.hits)).toEqual([null, 5, null]);
    expect(first[2].newSeries).toBe("counter-reset");
    const pool = historyAnswer(track, { seconds: 3600 }, STEP)?.points ?? [];
    // The pool's last interval counts the server that carried on only.
    expect(pool.map((p) => [p.hits, p.misses])).toEqual([
      [null, null],
      [7, 2],
      [3, 1],
    ]);
  });
});
