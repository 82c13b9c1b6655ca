/**
 * Purging a prefix on a big Redis: Cachescope's purge against what an operator would otherwise run.
 *
 *   JITI_TSCONFIG_PATHS=1 npx jiti bench/redis-purge.ts                  (jiti ships with the dev dependencies; the env var resolves "@/")
 *   BENCH_ROUNDS=5 JITI_TSCONFIG_PATHS=1 npx jiti bench/redis-purge.ts   (more rounds; default 3)
 *
 * Starts its own redis-server on port 6389 (BENCH_REDIS_PORT overrides), loads 1,000,000 django-redis-style keys,
 * 50,000 of them (5%) under the Django prefix "purge." (raw ":1:purge."), and times deleting exactly those 50k with:
 *  - app:       the function the purge job runs (lib/invalidate/run.ts execute(): SCAN COUNT 10000 through the
 *               backend's iterate(), pipelined UNLINK of each batch through deleteListed(), progress kept exact);
 *  - plain:     a bare ioredis loop, SCAN MATCH COUNT 5000 then UNLINK of that step's matches;
 *  - redis-cli: `redis-cli --scan --pattern ':1:purge.*' | xargs redis-cli unlink`;
 *  - django-redis: cache.delete_pattern("purge.*") in /usr/bin/python3 (Debian's django-redis), timed in Python
 *               (interpreter start not counted).
 * The 50k keys are loaded again before every run, and every run must leave exactly the 950k others.
 *  - plain10k:  the same bare loop at COUNT 10000, the app's COUNT (a reference: the issue's yardstick is COUNT 5000).
 * Targets: app <= 1.0x plain, and >= 7x faster than redis-cli. Medians of interleaved rounds.
 */
import { execFile, spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { promisify } from "node:util";
import Redis from "ioredis";
import { redis as redisDescriptor } from "@/lib/backends/redis";
const createRedisBackend = redisDescriptor.create;
import type { CacheConfig } from "../lib/config/types";
import { planFor } from "../lib/invalidate/plan";
import { execute } from "../lib/invalidate/run";
import { parseInvalidateRequest } from "../lib/invalidate/target";
import { startRedisServer } from "../test/redis-server";
import { result } from "./common";

const PORT = Number(process.env.BENCH_REDIS_PORT ?? 6389);
const TOTAL = 1_000_000;
const PURGE = 50_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RAW_PREFIX = ":1:purge.";
const PATTERN = ":1:purge.*";
const run = promisify(execFile);

function resp(args: string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`);
}

/** The 950k other keys through `redis-cli --pipe`, the fastest bulk path. */
async function loadOthers(): Promise<void> {
  const child = spawn("redis-cli", ["-p", String(PORT), "--pipe"], { stdio: ["pipe", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli --pipe exited ${code}`)))),
  );
  let chunk: Buffer[] = [];
  const others = TOTAL - PURGE;
  for (let i = 0; i < others; i++) {
    chunk.push(resp(["SET", `:1:app.ns${i % 100}.item${i}`, `value-${i}-${"x".repeat(40)}`]));
    if (chunk.length === 10_000 || i === others - 1) {
      if (!child.stdin.write(Buffer.concat(chunk))) await new Promise((r) => child.stdin.once("drain", r));
      chunk = [];
    }
  }
  child.stdin.end();
  await exited;
}

/** The 50k keys to purge, pipelined MSETs. */
async function loadPurgeKeys(client: Redis): Promise<void> {
  const pipeline = client.pipeline();
  for (let i = 0; i < PURGE; i += 5000) {
    const args: string[] = [];
    for (let j = i; j < i + 5000; j++) args.push(`${RAW_PREFIX}item${j}`, `value-${j}-${"x".repeat(40)}`);
    pipeline.mset(...args);
  }
  await pipeline.exec();
}

async function plainLoop(client: Redis, count = 5000): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", PATTERN, "COUNT", count);
    if (keys.length > 0) deleted += await client.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  return deleted;
}

async function redisCli(): Promise<void> {
  await run("sh", ["-c", `redis-cli -p ${PORT} --scan --pattern '${PATTERN}' | xargs redis-cli -p ${PORT} unlink > /dev/null`], {
    maxBuffer: 1 << 26,
  });
}

const DJANGO = `
import time, django
from django.conf import settings
settings.configure(CACHES={"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:${PORT}/0"}})
django.setup()
from django.core.cache import cache
cache.get("warm-up")  # connect before timing
t = time.perf_counter()
n = cache.delete_pattern("purge.*")
print(n, (time.perf_counter() - t) * 1000)
`;

async function djangoRedis(): Promise<number> {
  const { stdout } = await run("/usr/bin/python3", ["-c", DJANGO]);
  const [, ms] = stdout.trim().split(/\s+/);
  return Number(ms);
}

/** Server-side time and calls of SCAN since the last CONFIG RESETSTAT: how much of a run was Redis walking its keys. */
async function scanStats(client: Redis): Promise<{ calls: number; ms: number }> {
  const line = (await client.info("commandstats")).split("\n").find((l) => l.startsWith("cmdstat_scan:")) ?? "";
  const calls = Number(/calls=(\d+)/.exec(line)?.[1] ?? 0);
  const usec = Number(/usec=(\d+)/.exec(line)?.[1] ?? 0);
  return { calls, ms: usec / 1000 };
}

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const server = await startRedisServer({ port: PORT });
  const config: CacheConfig = {
    alias: "bench",
    backendPath: "django_redis.cache.RedisCache",
    locations: [`redis://127.0.0.1:${PORT}/0`],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  };
  const backend = createRedisBackend(config);
  const client = new Redis({ port: PORT, protocol: 2 });
  const plan = planFor(
    { config, capabilities: backend.capabilities },
    parseInvalidateRequest({ target: { prefix: "purge." }, dryRun: false }),
  );
  try {
    const t = performance.now();
    await loadOthers();
    console.log(`loaded ${await client.dbsize()} other keys in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await backend.status();

    const contenders: Record<string, () => Promise<number | null>> = {
      app: async () => {
        const done = await execute(backend, plan);
        if (done.deleted !== PURGE) throw new Error(`app deleted ${done.deleted}`);
        return null;
      },
      plain: async () => {
        const deleted = await plainLoop(client);
        if (deleted !== PURGE) throw new Error(`plain loop deleted ${deleted}`);
        return null;
      },
      plain10k: async () => {
        const deleted = await plainLoop(client, 10_000);
        if (deleted !== PURGE) throw new Error(`plain loop deleted ${deleted}`);
        return null;
      },
      redisCli: async () => {
        await redisCli();
        return null;
      },
      djangoRedis,
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
    const server: Record<string, { calls: number; ms: number }[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, fn] of Object.entries(contenders)) {
        await loadPurgeKeys(client);
        if ((await client.dbsize()) !== TOTAL) throw new Error(`reload: dbsize ${await client.dbsize()}`);
        await client.config("RESETSTAT");
        const started = performance.now();
        const own = await fn();
        times[name].push(own ?? performance.now() - started);
        server[name].push(await scanStats(client));
        const left = await client.dbsize();
        if (left !== TOTAL - PURGE) throw new Error(`${name} left ${left} keys, expected ${TOTAL - PURGE}`);
      }
      console.log(
        `round ${r + 1}/${ROUNDS}: ${Object.entries(times)
          .map(([k, v]) => `${k} ${v[r].toFixed(0)} ms`)
          .join(", ")}`,
      );
    }

    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    const rows: [string, string, string][] = [
      ["app purge (execute: iterate COUNT 10000 + UNLINK)", "app", "<= 1.00x plain"],
      ["plain SCAN COUNT 5000 + UNLINK loop", "plain", ""],
      ["plain SCAN COUNT 10000 + UNLINK loop (reference)", "plain10k", ""],
      ["redis-cli --scan --pattern | xargs redis-cli unlink", "redisCli", ""],
      ["django-redis delete_pattern (in Python)", "djangoRedis", ""],
    ];
    console.log(`\n${TOTAL.toLocaleString("en-US")} keys, purging ${PURGE.toLocaleString("en-US")} (${RAW_PREFIX}), median of ${ROUNDS}`);
    console.log(
      `${"contender".padEnd(52)} ${"ms".padStart(8)} ${"vs plain".padStart(9)} ${"app faster".padStart(11)} ${"SCANs".padStart(7)} ${"in Redis".padStart(9)}  target`,
    );
    for (const [label, name, target] of rows) {
      const ms = m[name];
      const inRedis = server[name][times[name].indexOf(ms)];
      console.log(
        `${label.padEnd(52)} ${ms.toFixed(0).padStart(8)} ${(ms / m.plain).toFixed(2).padStart(8)}x ${(ms / m.app).toFixed(1).padStart(10)}x ` +
          `${String(inRedis.calls).padStart(7)} ${inRedis.ms.toFixed(0).padStart(6)} ms  ${target}`,
      );
    }
    console.log("(SCANs / in Redis: SCAN calls of the median run and the time Redis itself spent in them, INFO commandstats)");
    result({ work: "Redis purge of 50k of 1M, vs SCAN 5000 + UNLINK loop", ours: m.app, theirs: m.plain, unit: "ms", target: "≤ 1.00×" });
    const okPlain = m.app <= 1.0 * m.plain;
    const okCli = m.redisCli >= 7 * m.app;
    console.log(
      `\napp/plain ${(m.app / m.plain).toFixed(2)} (${okPlain ? "meets" : "MISSES"} <= 1.0); redis-cli/app ${(m.redisCli / m.app).toFixed(1)} (${okCli ? "meets" : "MISSES"} >= 7)`,
    );
    console.log(
      `load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} on ${cpus().length} cores`,
    );
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
