/**
 * Cachescope on a Redis of 10,000,000 keys, side by side with what an operator would otherwise run, and the console's
 * peak memory (RSS) during each task.
 *
 *   npm run bench -- bench/redis-10m.ts
 *   BENCH_KEYS=2000000 BENCH_ROUNDS=3 npm run bench -- bench/redis-10m.ts   (a smaller keyspace, more rounds)
 *
 * Starts its own redis-server on port 6491 (BENCH_REDIS_PORT overrides), loads BENCH_KEYS Django-style keys through
 * generated RESP into `redis-cli --pipe` (from a child process: this one's memory stays the console's):
 * ":1:app.ns{i%1000}.item{i}" (so ":1:app.ns7." is 0.1%), every 5th with a TTL, plus 5% under ":1:purge.". Then:
 *  (a) first 100 rows of the 0.1% prefix with ttl/size/type: listKeys() (called again with its cursor when a call
 *      stops at its time budget first) vs `redis-cli --scan --pattern | head -100`;
 *  (b) the whole 0.1% prefix: iterate() (names; with sizes) vs a plain ioredis SCAN MATCH COUNT 1000 loop;
 *  (c) analysis: sampled ({sample: 10000}, seconds) and full (analyse(), what the job runs) vs `redis-cli --memkeys`;
 *  (d) purge of the 5% (500k at 10M): execute() (what the purge job runs) vs a bare SCAN COUNT 5000 + UNLINK loop,
 *      the keys loaded again between the two, both leaving exactly the others.
 * The (a) and (b) figures are medians of interleaved rounds (BENCH_ROUNDS, default 3); (c) and (d) are one run each
 * (minutes at 10M). Peak RSS is this process's VmHWM, reset before each task (bench/common.ts). Target: ratios as at
 * 1M, RSS never above 400 MiB.
 */
import Redis from "ioredis";
import { analyse } from "@/lib/analysis/run";
import { redis as redisDescriptor } from "@/lib/backends/redis";
import { escapeGlob } from "@/lib/backends/redis/glob";
import type { CacheConfig } from "@/lib/config/types";
import { planFor } from "@/lib/invalidate/plan";
import { execute } from "@/lib/invalidate/run";
import { parseInvalidateRequest } from "@/lib/invalidate/target";
import { startRedisServer } from "@/test/redis-server";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { interleaved, loadLine, loadRedis, peakRss, redisCliScan, result } from "./common";

const PORT = Number(process.env.BENCH_REDIS_PORT ?? 6491);
const KEYS = Number(process.env.BENCH_KEYS ?? 10_000_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const PURGE = Math.round(KEYS * 0.05);
const OTHERS = KEYS - PURGE;
const NAMESPACES = 1000;
const PREFIX = ":1:app.ns7.";
const PATTERN = `${escapeGlob(PREFIX)}*`;
const IN_PREFIX = Math.floor(OTHERS / NAMESPACES) + (OTHERS % NAMESPACES > 7 ? 1 : 0);
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

async function plainScan(client: Redis, pattern: string, count: number): Promise<number> {
  let cursor = "0";
  let n = 0;
  do {
    const [next, keys] = await client.scanBuffer(cursor, "MATCH", pattern, "COUNT", count);
    n += keys.length;
    cursor = next.toString();
  } while (cursor !== "0");
  return n;
}

async function plainPurge(client: Redis): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", ":1:purge.*", "COUNT", 5000);
    if (keys.length > 0) deleted += await client.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  return deleted;
}

async function memkeys(): Promise<number> {
  const { stdout } = await run("redis-cli", ["-p", String(PORT), "--memkeys"], { maxBuffer: 64 * 1024 * 1024 });
  const m = /Sampled (\d+) keys/.exec(stdout);
  if (!m) throw new Error(`unexpected redis-cli --memkeys output:\n${stdout.slice(-500)}`);
  return Number(m[1]);
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (m: number) => `${m.toFixed(0)} MiB`;

async function main(): Promise<void> {
  console.log(`${KEYS.toLocaleString("en-US")} keys; ${loadLine()}`);
  const server = await startRedisServer({ port: PORT });
  const client = new Redis({ port: PORT, protocol: 2 });
  const backend = redisDescriptor.create(config);
  const rows: string[] = [];
  const line = (task: string, ours: string, theirs: string, ratio: number | null, rss: number) =>
    rows.push(`| ${task} | ${ours} | ${theirs} | ${ratio === null ? "" : `${ratio.toFixed(3)}×`} | ${mib(rss)} |`);
  let maxRss = 0;
  try {
    let t = performance.now();
    await loadRedis(PORT, ":1:app.ns", 0, OTHERS, NAMESPACES);
    await loadRedis(PORT, ":1:purge.", 0, PURGE, 0);
    const total = await client.dbsize();
    if (total !== KEYS) throw new Error(`loaded ${total} keys, expected ${KEYS}`);
    const used = Number(/used_memory:(\d+)/.exec(await client.info("memory"))?.[1] ?? 0);
    console.log(`loaded in ${s(performance.now() - t)} (used_memory ${(used / 2 ** 30).toFixed(2)} GiB)`);
    await backend.status();

    // (a) first 100 rows. At 0.1% they are ~100,000 keys walked: one listKeys call stops at its time budget (150 ms)
    // with what it found and a cursor, and the client asks again, as the key browser does when it loads more.
    const first100 = async () => {
      const rows: unknown[] = [];
      let cursor: string | null = null;
      let calls = 0;
      do {
        const page = await backend.listKeys({ prefix: PREFIX, cursor, count: 100 - rows.length, withMeta: true });
        if (page.keys.some((k) => typeof k.size !== "number")) throw new Error("a row without its size");
        rows.push(...page.keys);
        cursor = page.cursor;
        calls++;
      } while (rows.length < 100 && cursor !== null);
      if (rows.length < 100) throw new Error(`first rows: ${rows.length}`);
      return calls;
    };
    console.log(`first 100 rows in ${await first100()} listKeys call(s)`);
    const a = await peakRss(() =>
      interleaved(Math.max(ROUNDS, 7), {
        page: first100,
        cli: () => redisCliScan(PORT, PATTERN, 100),
      }),
    );
    line(
      "(a) first 100 rows of a 0.1% prefix, with metadata, vs `redis-cli --scan \\| head -100`",
      `${a.value.page.toFixed(1)} ms`,
      `${a.value.cli.toFixed(1)} ms`,
      a.value.page / a.value.cli,
      a.peakMiB,
    );
    result({
      work: `first page of a 0.1% prefix of ${KEYS / 1e6}M`,
      ours: a.value.page,
      theirs: a.value.cli,
      unit: "ms",
      target: "≤ 0.10×",
    });
    maxRss = Math.max(maxRss, a.peakMiB);

    // (b) whole prefix
    let named = 0;
    for await (const batch of backend.iterate({ prefix: PREFIX, batch: 1000, withSizes: false })) named += batch.length;
    const plainCount = await plainScan(client, PATTERN, 1000);
    if (named !== IN_PREFIX || plainCount !== IN_PREFIX)
      throw new Error(`prefix: iterate ${named}, plain ${plainCount}, expected ${IN_PREFIX}`);
    const b = await peakRss(() =>
      interleaved(ROUNDS, {
        names: async () => {
          for await (const batch of backend.iterate({ prefix: PREFIX, batch: 1000, withSizes: false })) void batch;
        },
        sized: async () => {
          for await (const batch of backend.iterate({ prefix: PREFIX, batch: 1000, withSizes: true })) void batch;
        },
        plain: () => plainScan(client, PATTERN, 1000),
      }),
    );
    line(
      "(b) whole 0.1% prefix, iterate() names, vs a plain SCAN MATCH COUNT 1000 loop",
      s(b.value.names),
      s(b.value.plain),
      b.value.names / b.value.plain,
      b.peakMiB,
    );
    line(
      "(b) whole 0.1% prefix, iterate() with sizes, vs the same loop",
      s(b.value.sized),
      s(b.value.plain),
      b.value.sized / b.value.plain,
      b.peakMiB,
    );
    result({
      work: `whole 0.1% prefix of ${KEYS / 1e6}M (names)`,
      ours: b.value.names,
      theirs: b.value.plain,
      unit: "ms",
      target: "≤ 1.30×",
    });
    maxRss = Math.max(maxRss, b.peakMiB);

    // (c) analysis
    const sampled = await peakRss(() => analyse(backend, config, { sample: 10_000 }));
    const keyError = ((sampled.value.keys - KEYS) / KEYS) * 100;
    line(`(c) sampled analysis (10,000 keys; key estimate off by ${keyError.toFixed(2)}%)`, s(sampled.ms), "", null, sampled.peakMiB);
    maxRss = Math.max(maxRss, sampled.peakMiB);
    const full = await peakRss(() => analyse(backend, config));
    if (full.value.keys !== KEYS) throw new Error(`full analysis saw ${full.value.keys} keys`);
    const cliT = performance.now();
    const cliKeys = await memkeys();
    const cliMs = performance.now() - cliT;
    // Printed, not enforced: redis-cli 7.0 said "Sampled 1000000 keys" of 10M in one run.
    line(
      `(c) full analysis vs \`redis-cli --memkeys\` (it reported ${cliKeys.toLocaleString("en-US")} keys)`,
      s(full.ms),
      s(cliMs),
      full.ms / cliMs,
      full.peakMiB,
    );
    result({ work: `Redis size analysis of ${KEYS / 1e6}M keys`, ours: full.ms, theirs: cliMs, unit: "ms", target: "≤ 0.20×" });
    maxRss = Math.max(maxRss, full.peakMiB);

    // (d) purge
    const plan = planFor(
      { config, capabilities: backend.capabilities },
      parseInvalidateRequest({ target: { prefix: "purge." }, dryRun: false }),
    );
    const purged = await peakRss(() => execute(backend, plan));
    if (purged.value.deleted !== PURGE || (await client.dbsize()) !== OTHERS) throw new Error(`purge deleted ${purged.value.deleted}`);
    t = performance.now();
    await loadRedis(PORT, ":1:purge.", 0, PURGE, 0);
    console.log(`purge keys loaded again in ${s(performance.now() - t)}`);
    t = performance.now();
    const plainDeleted = await plainPurge(client);
    const plainMs = performance.now() - t;
    if (plainDeleted !== PURGE || (await client.dbsize()) !== OTHERS) throw new Error(`plain purge deleted ${plainDeleted}`);
    line(
      `(d) purge of ${PURGE.toLocaleString("en-US")} keys vs a SCAN COUNT 5000 + UNLINK loop`,
      s(purged.ms),
      s(plainMs),
      purged.ms / plainMs,
      purged.peakMiB,
    );
    result({ work: `Redis purge of ${PURGE / 1000}k of ${KEYS / 1e6}M`, ours: purged.ms, theirs: plainMs, unit: "ms", target: "≤ 1.00×" });
    maxRss = Math.max(maxRss, purged.peakMiB);

    console.log(`\n${KEYS.toLocaleString("en-US")} keys, ${loadLine()}`);
    console.log("| task | Cachescope | the other tool | ratio | console peak RSS |");
    console.log("|---|---:|---:|---:|---:|");
    for (const r of rows) console.log(r);
    console.log(`\npeak RSS over all tasks: ${mib(maxRss)} (target: never above 400 MiB): ${maxRss <= 400 ? "met" : "NOT met"}`);
    result({ work: `console peak RSS, Redis ${KEYS / 1e6}M keys`, ours: maxRss, theirs: 400, unit: "MiB", target: "≤ 400 MiB" });
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
