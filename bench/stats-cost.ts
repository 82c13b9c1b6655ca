/**
 * What one stats poll costs the cache server: the sampler polls every cache every 2 s, forever, so this is the
 * price an operator pays for the live charts.
 *
 *   JITI_TSCONFIG_PATHS=true npx jiti bench/stats-cost.ts
 *   BENCH_POLLS=5000 JITI_TSCONFIG_PATHS=true npx jiti bench/stats-cost.ts
 *
 * Starts its own redis-server (port 6384, BENCH_REDIS_PORT) with keys in 3 databases (INFO's keyspace section grows
 * with the number of databases, not keys) and its own memcached (port 11284, BENCH_MEMCACHED_PORT) with items in
 * several slab classes, then runs the backends' stats() exactly as the sampler does, N times, and reads:
 *  - Redis: INFO commandstats `cmdstat_info` usec_per_call (time the server spent inside INFO), and
 *    used_cpu_user + used_cpu_sys before/after (everything, including reading and writing the socket);
 *  - memcached: rusage_user + rusage_system before/after (one poll = stats, stats slabs, stats items, stats settings).
 * Prints both per poll and as a share of one core at the default 2 s interval.
 */
import { connect } from "node:net";
import Redis from "ioredis";
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
const createMemcachedBackend = memcachedDescriptor.create;
import { redis as redisDescriptor } from "@/lib/backends/redis";
const createRedisBackend = redisDescriptor.create;
import { parseInfo } from "../lib/backends/redis/info";
import type { CacheConfig } from "../lib/config/types";
import { DEFAULT_INTERVAL_MS } from "../lib/stats/options";
import { startMemcached } from "../test/memcached-server";
import { startRedisServer } from "../test/redis-server";

const REDIS_PORT = Number(process.env.BENCH_REDIS_PORT ?? 6384);
const MC_PORT = Number(process.env.BENCH_MEMCACHED_PORT ?? 11284);
const POLLS = Number(process.env.BENCH_POLLS ?? 2000);
const KEYS_PER_DB = 50_000;

function config(kind: "redis" | "memcached", location: string): CacheConfig {
  return {
    alias: kind,
    backendPath: kind === "redis" ? "django_redis.cache.RedisCache" : "django.core.cache.backends.memcached.PyMemcacheCache",
    locations: [location],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (usecPerPoll: number) => ((usecPerPoll / (DEFAULT_INTERVAL_MS * 1000)) * 100).toFixed(4);

async function fillRedis(port: number): Promise<void> {
  const r = new Redis({ port, host: "127.0.0.1" });
  for (const db of [0, 1, 2]) {
    await r.select(db);
    for (let i = 0; i < KEYS_PER_DB; i += 1000) {
      const p = r.pipeline();
      for (let j = i; j < i + 1000; j++) p.set(`:1:bench.item${j}`, "x".repeat(50 + (j % 200)), "EX", 3600);
      await p.exec();
    }
  }
  r.disconnect();
}

async function benchRedis(): Promise<void> {
  const server = await startRedisServer({ port: REDIS_PORT });
  try {
    await fillRedis(REDIS_PORT);
    const backend = createRedisBackend(config("redis", `redis://127.0.0.1:${REDIS_PORT}/1`));
    const probe = new Redis({ port: REDIS_PORT, host: "127.0.0.1" });
    await backend.stats();
    await probe.config("RESETSTAT");
    const cpu = (info: Map<string, string>) => Number(info.get("used_cpu_user")) + Number(info.get("used_cpu_sys"));
    const before = cpu(parseInfo(await probe.info("cpu")));
    const wall: number[] = [];
    for (let i = 0; i < POLLS; i++) {
      const t0 = performance.now();
      const snap = await backend.stats();
      wall.push(performance.now() - t0);
      if (!snap.servers[0]?.ok) throw new Error(`poll failed: ${snap.servers[0]?.error}`);
    }
    const after = cpu(parseInfo(await probe.info("cpu")));
    const cmd = parseInfo(await probe.info("commandstats")).get("cmdstat_info") ?? "";
    const fields = new Map(cmd.split(",").map((kv) => kv.split("=") as [string, string]));
    const usecPerCall = Number(fields.get("usec_per_call"));
    // calls = POLLS + the two `INFO cpu` probes around them; the CPU delta includes those two probes too (an upper bound).
    const cpuPerPoll = ((after - before) * 1e6) / POLLS;
    console.log(`redis ${server.port}: ${POLLS} polls (INFO, all default sections), 3 dbs x ${KEYS_PER_DB} keys`);
    console.log(
      `  INFO commandstats: calls=${fields.get("calls")} usec_per_call=${usecPerCall.toFixed(2)} µs  -> ${pct(usecPerCall)}% of a core at one poll per ${DEFAULT_INTERVAL_MS} ms`,
    );
    console.log(`  used_cpu_user+sys: ${cpuPerPoll.toFixed(1)} µs per poll (socket I/O included)  -> ${pct(cpuPerPoll)}% of a core`);
    console.log(`  client round trip: median ${median(wall).toFixed(3)} ms`);
    probe.disconnect();
    await backend.close();
  } finally {
    await server.stop();
  }
}

function memcachedStats(port: number): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let text = "";
    socket.on("error", reject);
    socket.on("connect", () => socket.write("stats\r\n"));
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (!text.endsWith("END\r\n")) return;
      socket.destroy();
      const out = new Map<string, string>();
      for (const line of text.split("\r\n")) {
        const [tag, name, value] = line.split(" ");
        if (tag === "STAT") out.set(name, value);
      }
      resolve(out);
    });
  });
}

async function fillMemcached(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const n = 20_000;
    let stored = 0;
    socket.on("error", reject);
    socket.on("connect", () => {
      const parts: string[] = [];
      for (let i = 0; i < n; i++) {
        const value = "x".repeat(50 + ((i * 37) % 4000));
        parts.push(`set :1:bench.item${i} 0 3600 ${value.length}\r\n${value}\r\n`);
      }
      socket.write(parts.join(""));
    });
    socket.on("data", (chunk) => {
      stored += (chunk.toString("latin1").match(/STORED\r\n/g) ?? []).length;
      if (stored >= n) {
        socket.destroy();
        resolve();
      }
    });
  });
}

async function benchMemcached(): Promise<void> {
  const server = await startMemcached({ port: MC_PORT });
  try {
    await fillMemcached(MC_PORT);
    const backend = createMemcachedBackend(config("memcached", server.location));
    await backend.stats();
    const cpu = (s: Map<string, string>) => Number(s.get("rusage_user")) + Number(s.get("rusage_system"));
    const before = cpu(await memcachedStats(MC_PORT));
    const wall: number[] = [];
    for (let i = 0; i < POLLS; i++) {
      const t0 = performance.now();
      const snap = await backend.stats();
      wall.push(performance.now() - t0);
      if (!snap.servers[0]?.ok) throw new Error(`poll failed: ${snap.servers[0]?.error}`);
    }
    const after = cpu(await memcachedStats(MC_PORT));
    const cpuPerPoll = ((after - before) * 1e6) / POLLS;
    console.log(`memcached ${server.port}: ${POLLS} polls (stats + slabs + items + settings), 20000 items`);
    console.log(`  rusage_user+system: ${cpuPerPoll.toFixed(1)} µs per poll  -> ${pct(cpuPerPoll)}% of a core`);
    console.log(`  client round trip: median ${median(wall).toFixed(3)} ms`);
    await backend.close();
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  await benchRedis();
  await benchMemcached();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
