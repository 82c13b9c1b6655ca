/**
 * What the cold figures (issue #18) cost the size analysis: the same analyse() on the same 1,000,000 keys with the
 * backend's access facts (memcached fetch=/la=, Redis OBJECT IDLETIME in the sized walk) and without them (the
 * backend seen without coldBasis(), so the walk asks for none), interleaved, medians of the rounds. Target: ≤ 1.10×.
 *
 *   JITI_TSCONFIG_PATHS=1 npx jiti bench/cold-overhead.ts          (BENCH_ROUNDS=5 by default)
 *
 * Starts its own redis-server (port 6489) and memcached (11489) and stops them by pid. Redis is also measured on the
 * server's side: the sized script's usec per call from INFO commandstats, which load on the client does not skew.
 */
import { cpus, loadavg } from "node:os";
import Redis from "ioredis";
import { analyse } from "@/lib/analysis/run";
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
import { redis as redisDescriptor } from "@/lib/backends/redis";
import type { CacheBackend } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { startMemcached } from "@/test/memcached-server";
import { startRedisServer } from "@/test/redis-server";
import { connect, fill, timed } from "./memcached-raw";

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const REDIS_PORT = 6489;
const MEMCACHED_PORT = 11489;
const KEYS = 1_000_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The backend without coldBasis(): the analysis then walks without access facts, as before #18. */
function withoutAccess(backend: CacheBackend): CacheBackend {
  return Object.create(backend, { coldBasis: { value: undefined } }) as CacheBackend;
}

function config(backendPath: string, location: string): CacheConfig {
  return { alias: "bench", backendPath, locations: [location], keyPrefix: "", version: 1, options: {}, timeout: 300 };
}

async function compare(name: string, backend: CacheBackend, cfg: CacheConfig, serverUsec?: () => Promise<number>): Promise<void> {
  const times = { with: [] as number[], without: [] as number[] };
  const cpu = { with: [] as number[], without: [] as number[] };
  const server = { with: [] as number[], without: [] as number[] };
  const plain = withoutAccess(backend);
  for (let round = 0; round <= ROUNDS; round++) {
    // Alternate who goes first; round 0 warms both up and is not counted.
    const order: ("with" | "without")[] = round % 2 === 0 ? ["with", "without"] : ["without", "with"];
    for (const who of order) {
      const usecBefore = serverUsec ? await serverUsec() : 0;
      const r = await timed(() => analyse(who === "with" ? backend : plain, cfg));
      if (r.result.keys !== KEYS) throw new Error(`${name} ${who}: saw ${r.result.keys} keys`);
      if (who === "with" && r.result.cold.basis === null) throw new Error(`${name}: no cold basis (${r.result.cold.note})`);
      if (round === 0) continue;
      times[who].push(r.ms);
      cpu[who].push(r.cpuMs);
      if (serverUsec) server[who].push((await serverUsec()) - usecBefore);
    }
  }
  const line = (label: string, a: number, b: number) =>
    `${label.padEnd(40)}${String(Math.round(a)).padStart(10)}${String(Math.round(b)).padStart(10)}${(a / b).toFixed(3).padStart(9)}`;
  console.log(`\n${name}: 1,000,000 keys, medians of ${ROUNDS} interleaved rounds`);
  console.log(`${"".padEnd(40)}${"with".padStart(10)}${"without".padStart(10)}${"ratio".padStart(9)}`);
  console.log(line("wall ms", median(times.with), median(times.without)));
  console.log(line("client CPU ms", median(cpu.with), median(cpu.without)));
  if (serverUsec) console.log(line("server ms (EVALSHA usec, commandstats)", median(server.with) / 1000, median(server.without) / 1000));
  console.log(`rounds wall (ms): with ${times.with.map(Math.round).join(", ")}; without ${times.without.map(Math.round).join(", ")}`);
}

async function main(): Promise<void> {
  console.log(
    `cpus: ${cpus().length}, load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );

  const redisServer = await startRedisServer({
    port: REDIS_PORT,
    args: ["--enable-debug-command", "local", "--maxmemory-policy", "allkeys-lru"],
  });
  const client = new Redis({ port: REDIS_PORT });
  const redisCfg = config("django_redis.cache.RedisCache", `redis://127.0.0.1:${REDIS_PORT}/0`);
  const redisBackend = redisDescriptor.create(redisCfg);
  try {
    for (const [count, prefix, size] of [
      [600_000, ":1:app.item", 40],
      [200_000, ":1:user.profile", 300],
      [100_000, ":1:views.decorators.cache.cache_page..GET", 2_000],
      [100_000, ":1:template.cache.sidebar", 500],
    ] as const) {
      await client.call("DEBUG", "POPULATE", count, prefix, size);
    }
    const usec = async () => {
      const info = await client.info("commandstats");
      return (
        Number(/cmdstat_evalsha:calls=\d+,usec=(\d+)/.exec(info)?.[1] ?? 0) +
        Number(/cmdstat_eval:calls=\d+,usec=(\d+)/.exec(info)?.[1] ?? 0)
      );
    };
    await compare("Redis (allkeys-lru: OBJECT IDLETIME)", redisBackend, redisCfg, usec);
  } finally {
    await redisBackend.close();
    client.disconnect();
    await redisServer.stop();
  }

  const mc = await startMemcached({ port: MEMCACHED_PORT, memoryMb: 2048 });
  const mcCfg = config("django.core.cache.backends.memcached.PyMemcacheCache", mc.location);
  const mcBackend = memcachedDescriptor.create(mcCfg);
  const socket = await connect(MEMCACHED_PORT);
  try {
    // The layout of bench/memcached-analysis.ts; none of the items is ever read (fetch=no: every one counts as cold).
    await fill(socket, KEYS, (i) => ({
      key:
        i % 10 === 0
          ? `:1:template.cache.sidebar.${(i * 2654435761).toString(16).padStart(32, "0").slice(-32)}`
          : i % 10 < 4
            ? `:1:user.profile:${i}`
            : `:1:app.item:${i}`,
      value: `value-${i}-${"x".repeat((i * 7) % 400)}`,
      flags: 1,
    }));
    await compare("memcached (fetch= and la=)", mcBackend, mcCfg);
  } finally {
    socket.destroy();
    await mcBackend.close();
    await mc.stop();
  }
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
}

void main();
