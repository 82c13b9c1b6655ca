/**
 * The size analysis on a big Redis: Cachescope's analysis job against `redis-cli --memkeys`, the tool an operator
 * would otherwise reach for (it also SCANs every key and asks MEMORY USAGE for each).
 *
 *   JITI_TSCONFIG_PATHS=1 npx jiti bench/redis-analysis.ts                  (jiti ships with the dev dependencies; the env var resolves "@/")
 *   BENCH_ROUNDS=3 JITI_TSCONFIG_PATHS=1 npx jiti bench/redis-analysis.ts   (rounds of the 1M comparison; default 2)
 *   BENCH_SKIP_10M=1 ...                                                     (skip the 10M sampled part)
 *
 * Starts its own redis-server on port 6378 (BENCH_REDIS_PORT overrides) and stops it by pid at the end.
 * 1. 1,000,000 Django-style keys made by DEBUG POPULATE under a few namespaces (":1:app.item:N", ":1:user.profile:N",
 *    cached pages and template fragments), and timed, interleaved, medians of the rounds:
 *    - app:      lib/analysis/run.ts analyse() on the alias, full mode (the function the job runs: SCAN COUNT 10000
 *                through the backend's iterate(), TYPE/PTTL/MEMORY USAGE per key by a Lua script per 250 keys,
 *                every row folded into the bounded aggregates);
 *    - memkeys:  `redis-cli --memkeys` (SCAN, then pipelined TYPE and MEMORY USAGE per SCAN page of 10 keys).
 *    Both must see every key; the app's byte total must equal the sum of MEMORY USAGE. Target: app <= 0.35x memkeys.
 * 2. 10,000,000 keys (DEBUG POPULATE 10000000 :1:app.item, about 1 GB): the sampled analysis ({"sample": 10000},
 *    RANDOMKEY rounds), timed, with its key and byte estimates against DBSIZE and the full 1M-key byte rate.
 */
import { execFile } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { promisify } from "node:util";
import Redis from "ioredis";
import { analyse } from "../lib/analysis/run";
import { redis as redisDescriptor } from "@/lib/backends/redis";
const createRedisBackend = redisDescriptor.create;
import type { CacheConfig } from "../lib/config/types";
import { startRedisServer } from "../test/redis-server";
import { result } from "./common";

const PORT = Number(process.env.BENCH_REDIS_PORT ?? 6378);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
const run = promisify(execFile);

const config: CacheConfig = {
  alias: "bench",
  backendPath: "django_redis.cache.RedisCache",
  locations: [`redis://127.0.0.1:${PORT}/0`],
  keyPrefix: "",
  version: 1,
  options: {},
  timeout: 300,
};

/** [count, prefix, value size]: 1,000,000 keys in all. */
const LAYOUT: [number, string, number][] = [
  [600_000, ":1:app.item", 40],
  [200_000, ":1:user.profile", 300],
  [100_000, ":1:views.decorators.cache.cache_page..GET", 2_000],
  [100_000, ":1:template.cache.sidebar", 500],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function memkeys(): Promise<number> {
  const { stdout } = await run("redis-cli", ["-p", String(PORT), "--memkeys"], { maxBuffer: 64 * 1024 * 1024 });
  const m = /Sampled (\d+) keys/.exec(stdout);
  if (!m) throw new Error(`unexpected redis-cli --memkeys output:\n${stdout.slice(-500)}`);
  return Number(m[1]);
}

/** Exact byte total by a Lua script over SCAN pages, for checking the app's sum (not timed). */
async function serverBytes(client: Redis): Promise<number> {
  const script = "local s = 0 for _, k in ipairs(KEYS) do s = s + (redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0') or 0) end return s";
  let cursor = "0";
  let total = 0;
  do {
    const [next, keys] = await client.scan(cursor, "COUNT", 10_000);
    cursor = next;
    if (keys.length > 0) total += Number(await client.eval(script, keys.length, ...keys));
  } while (cursor !== "0");
  return total;
}

function row(cells: (string | number)[]): string {
  return cells
    .map((c, i) =>
      String(c)
        .padStart(i === 0 ? 0 : 14)
        .padEnd(i === 0 ? 34 : 0),
    )
    .join("");
}

async function main() {
  console.log(
    `cpus: ${cpus().length}, load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const server = await startRedisServer({ port: PORT, args: ["--enable-debug-command", "local"] });
  const client = new Redis({ port: PORT });
  const backend = createRedisBackend(config);
  try {
    for (const [count, prefix, size] of LAYOUT) await client.call("DEBUG", "POPULATE", count, prefix, size);
    const keys = await client.dbsize();
    if (keys !== 1_000_000) throw new Error(`loaded ${keys} keys, expected 1000000`);
    const truthBytes = await serverBytes(client);

    const app: number[] = [];
    const cli: number[] = [];
    let appBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate who goes first: neither always runs on a warmer server.
      const order = round % 2 === 0 ? ["app", "cli"] : ["cli", "app"];
      for (const who of order) {
        if (who === "app") {
          const r = await timeIt(() => analyse(backend, config));
          if (r.value.keys !== keys) throw new Error(`app saw ${r.value.keys} keys`);
          appBytes = r.value.bytes;
          app.push(r.ms);
        } else {
          const r = await timeIt(memkeys);
          if (r.value !== keys) throw new Error(`redis-cli --memkeys saw ${r.value} keys`);
          cli.push(r.ms);
        }
      }
    }
    if (appBytes !== truthBytes) throw new Error(`app bytes ${appBytes} != MEMORY USAGE sum ${truthBytes}`);

    console.log(`\n1,000,000 keys, full analysis (medians of ${ROUNDS} interleaved rounds)`);
    console.log(row(["", "ms", "keys/s", "x memkeys"]));
    console.log(
      row(["app analyse() full", Math.round(median(app)), Math.round(keys / (median(app) / 1000)), (median(app) / median(cli)).toFixed(3)]),
    );
    console.log(row(["redis-cli --memkeys", Math.round(median(cli)), Math.round(keys / (median(cli) / 1000)), "1.000"]));
    console.log(
      `app byte total ${appBytes} = sum of MEMORY USAGE ${truthBytes}; target app <= 0.35x memkeys: ${median(app) / median(cli) <= 0.35 ? "met" : "NOT met"}`,
    );
    console.log(`rounds (ms): app ${app.map(Math.round).join(", ")}; memkeys ${cli.map(Math.round).join(", ")}`);
    result({
      work: "Redis size analysis of 1M keys, vs redis-cli --memkeys",
      ours: median(app),
      theirs: median(cli),
      unit: "ms",
      target: "≤ 0.20×",
    });

    if (process.env.BENCH_SKIP_10M !== "1") {
      await client.flushall();
      const load = await timeIt(() => client.call("DEBUG", "POPULATE", 10_000_000, ":1:app.item"));
      const total = await client.dbsize();
      const used = Number(/used_memory:(\d+)/.exec(await client.info("memory"))?.[1] ?? 0);
      console.log(
        `\n10,000,000 keys loaded by DEBUG POPULATE in ${(load.ms / 1000).toFixed(1)} s (used_memory ${(used / 2 ** 30).toFixed(2)} GiB)`,
      );
      // Exact bytes would mean walking 10M keys: a SCAN+Lua pass over them is the reference here, timed for scale.
      const truth = await timeIt(() => serverBytes(client));
      const sampled: number[] = [];
      let last: Awaited<ReturnType<typeof analyse>> | null = null;
      for (let round = 0; round < ROUNDS; round++) {
        const r = await timeIt(() => analyse(backend, config, { sample: 10_000 }));
        sampled.push(r.ms);
        last = r.value;
      }
      if (!last) throw new Error("no sampled run");
      console.log(row(["", "ms", "keys est.", "error"]));
      console.log(
        row(["app analyse() sample 10000", Math.round(median(sampled)), last.keys, `${(((last.keys - total) / total) * 100).toFixed(2)}%`]),
      );
      console.log(row(["  bytes estimate", "", last.bytes, `${(((last.bytes - truth.value) / truth.value) * 100).toFixed(2)}%`]));
      console.log(row(["server-side SCAN+Lua byte sum", Math.round(truth.ms), total, "(reference)"]));
      console.log(`sampled rounds (ms): ${sampled.map(Math.round).join(", ")}`);
    }
  } finally {
    await backend.close();
    client.disconnect();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
