/**
 * Paging under load: 8 concurrent clients page through keys while a full size analysis and a purge run on the same
 * 1M-key Redis, through one backend instance (as the console holds one per alias: one connection shared by all).
 *
 *   npm run bench -- bench/load.ts
 *   BENCH_KEYS=200000 BENCH_CLIENTS=4 npm run bench -- bench/load.ts
 *
 * Starts its own redis-server on port 6492 (BENCH_REDIS_PORT overrides) and loads BENCH_KEYS Django-style keys
 * (":1:app.ns{i%100}.item{i}") plus 5% under ":1:purge.". Each client loops: the first page of a prefix (its own
 * ":1:app.ns{c}."), then following pages by cursor, 100 rows with metadata, through lib/browse/list-keys.ts listKeys
 * (what GET /api/caches/{alias}/keys runs, minus HTTP), until the analysis and the purge have both finished.
 * Reported: page latency p50/p99/max, errors, the event loop's longest stall (perf_hooks.monitorEventLoopDelay), and
 * how long the analysis and the purge took beside their time alone. Target: page p99 <= 300 ms, no errors.
 * The clients run in this process, sharing its event loop with the analysis and the purge, as in the console.
 */
import Redis from "ioredis";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { analyse } from "@/lib/analysis/run";
import { redis as redisDescriptor } from "@/lib/backends/redis";
import { listKeys } from "@/lib/browse/list-keys";
import type { CacheConfig } from "@/lib/config/types";
import { planFor } from "@/lib/invalidate/plan";
import { execute } from "@/lib/invalidate/run";
import { parseInvalidateRequest } from "@/lib/invalidate/target";
import { startRedisServer } from "@/test/redis-server";
import { loadLine, loadRedis, result } from "./common";

const PORT = Number(process.env.BENCH_REDIS_PORT ?? 6492);
const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const PURGE = Math.round(KEYS * 0.05);
const OTHERS = KEYS - PURGE;

const config: CacheConfig = {
  alias: "bench",
  backendPath: "django_redis.cache.RedisCache",
  locations: [`redis://127.0.0.1:${PORT}/0`],
  keyPrefix: "",
  version: 1,
  options: {},
  timeout: 300,
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  console.log(`${KEYS.toLocaleString("en-US")} keys, ${CLIENTS} clients; ${loadLine()}`);
  const server = await startRedisServer({ port: PORT });
  const client = new Redis({ port: PORT, protocol: 2 });
  const backend = redisDescriptor.create(config);
  const plan = planFor(
    { config, capabilities: backend.capabilities },
    parseInvalidateRequest({ target: { prefix: "purge." }, dryRun: false }),
  );
  try {
    await loadRedis(PORT, ":1:app.ns", 0, OTHERS, 100);
    await loadRedis(PORT, ":1:purge.", 0, PURGE, 0);
    if ((await client.dbsize()) !== KEYS) throw new Error(`loaded ${await client.dbsize()} keys`);
    await backend.status();

    // Alone first, for comparison: the analysis and the purge without the clients.
    let t = performance.now();
    const aloneAnalysis = await analyse(backend, config);
    const analysisAloneMs = performance.now() - t;
    t = performance.now();
    if ((await execute(backend, plan)).deleted !== PURGE) throw new Error("purge alone: wrong count");
    const purgeAloneMs = performance.now() - t;
    await loadRedis(PORT, ":1:purge.", 0, PURGE, 0);

    const latencies: number[] = [];
    const errors: string[] = [];
    let busy = true;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const pager = async (c: number) => {
      let cursor: string | null = null;
      while (busy) {
        const started = performance.now();
        try {
          const page = await listKeys(backend, config, { prefix: `app.ns${c}.`, cursor, count: 100, allVersions: false, raw: false });
          cursor = page.cursor;
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
          cursor = null;
        }
        latencies.push(performance.now() - started);
      }
    };
    t = performance.now();
    const pagers = Array.from({ length: CLIENTS }, (_, c) => pager(c));
    const work = Promise.all([
      (async () => {
        const s = performance.now();
        const r = await analyse(backend, config);
        // The purge deletes while the analysis walks: it sees every other key, and some of the purged ones.
        if (r.keys < OTHERS || r.keys > aloneAnalysis.keys) throw new Error(`analysis under load saw ${r.keys} keys`);
        return performance.now() - s;
      })(),
      (async () => {
        const s = performance.now();
        const done = await execute(backend, plan);
        if (done.deleted !== PURGE) throw new Error(`purge under load deleted ${done.deleted}`);
        return performance.now() - s;
      })(),
    ]);
    const [analysisMs, purgeMs] = await work.finally(() => {
      busy = false;
    });
    await Promise.all(pagers);
    loop.disable();
    const wall = performance.now() - t;
    if ((await client.dbsize()) !== OTHERS) throw new Error(`left ${await client.dbsize()} keys`);

    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const stallMs = loop.max / 1e6;
    console.log(
      `\n${latencies.length} pages in ${(wall / 1000).toFixed(1)} s by ${CLIENTS} clients, while a full analysis and a purge ran`,
    );
    console.log("| measure | value | target |");
    console.log("|---|---:|---:|");
    console.log(`| page p50 | ${p50.toFixed(1)} ms | |`);
    console.log(`| page p99 | ${p99.toFixed(1)} ms | ≤ 300 ms |`);
    console.log(`| page max | ${sorted[sorted.length - 1].toFixed(1)} ms | |`);
    console.log(`| errors | ${errors.length} | 0 |`);
    console.log(`| event loop longest stall | ${stallMs.toFixed(1)} ms | |`);
    console.log(
      `| full analysis (alone → under load) | ${(analysisAloneMs / 1000).toFixed(2)} s → ${(analysisMs / 1000).toFixed(2)} s | |`,
    );
    console.log(
      `| purge of ${PURGE.toLocaleString("en-US")} (alone → under load) | ${(purgeAloneMs / 1000).toFixed(2)} s → ${(purgeMs / 1000).toFixed(2)} s | |`,
    );
    if (errors.length > 0) console.log(`first errors: ${errors.slice(0, 3).join(" | ")}`);
    console.log(loadLine());
    result({
      work: `page p99, ${CLIENTS} clients during analysis + purge (${KEYS / 1e6}M)`,
      ours: p99,
      theirs: 300,
      unit: "ms",
      target: "≤ 300 ms",
      note: `p50 ${p50.toFixed(0)} ms, ${errors.length} errors, longest event-loop stall ${stallMs.toFixed(0)} ms`,
    });
  } finally {
    client.disconnect();
    await backend.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
