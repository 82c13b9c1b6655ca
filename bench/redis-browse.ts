/**
 * Browsing a big Redis: Cachescope's Redis backend against what an operator would otherwise type.
 *
 *   npx jiti bench/redis-browse.ts            (jiti ships with the dev dependencies; no build step)
 *   BENCH_KEYS=200000 npx jiti bench/redis-browse.ts   (a smaller keyspace, for a quick look)
 *
 * Starts its own redis-server on port 6394 (BENCH_REDIS_PORT overrides), loads 1,000,000 django-redis-style keys
 * (":1:app.ns{i%100}.item{i}", pickled-looking values), so the prefix ":1:app.ns7." holds 1% of them, then times:
 *  (a) the first page, 100 rows with ttl/size/type: listKeys() vs `redis-cli --scan --pattern P | head -100`
 *      (time until 100 names are printed). Target: <= 0.1x.
 *  (b) the whole prefix: iterate() (with sizes, as purges and analysis use it) vs a plain ioredis
 *      SCAN MATCH COUNT 1000 loop (names only) vs `redis-cli --scan --pattern P`. Target: <= 1.3x the plain loop.
 * Medians of interleaved runs, on a warm connection (the console keeps one open).
 *
 * Reading the figures: a 1% prefix needs ~10,000 keys walked for 100 names whoever walks them, and Redis 7.0 spends
 * 0.3-1.5 µs a key on SCAN MATCH (it copies every key it visits), so the first page has a floor of a few ms of server
 * time. redis-cli walks the same keys 10 at a time, paying ~1,000 round trips on top. The (a) ratio is therefore
 * best on a quiet machine (round trips dominate redis-cli) and worsens under CPU contention (server time dominates
 * both); the load average is printed with the table.
 */
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import Redis from "ioredis";
import type { CacheConfig } from "../lib/config/types";
import { redis as redisDescriptor } from "@/lib/backends/redis";
const createRedisBackend = redisDescriptor.create;
import { escapeGlob } from "../lib/backends/redis/glob";
import { startRedisServer } from "../test/redis-server";
import { result } from "./common";

const PORT = Number(process.env.BENCH_REDIS_PORT ?? 6394);
const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const NAMESPACES = 100;
const PREFIX = ":1:app.ns7.";
const PATTERN = `${escapeGlob(PREFIX)}*`;

function resp(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === "string" ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** A value shaped like django-redis's pickle of a small dict (the bytes are never decoded here). */
function pickledValue(i: number): Buffer {
  const body = Buffer.from(`}\x94(\x8c\x02id\x94J${String(i).padStart(8, "0")}\x8c\x04name\x94\x8c\x0citem-${i}\x94u.`, "latin1");
  return Buffer.concat([Buffer.from([0x80, 0x04, 0x95]), Buffer.alloc(8), body]);
}

/** Loads the keys through `redis-cli --pipe` (the fastest bulk path), every 5th key with a TTL. */
async function load(): Promise<void> {
  const child = spawn("redis-cli", ["-p", String(PORT), "--pipe"], { stdio: ["pipe", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli --pipe exited ${code}`)))),
  );
  let chunk: Buffer[] = [];
  for (let i = 0; i < KEYS; i++) {
    const key = `:1:app.ns${i % NAMESPACES}.item${i}`;
    chunk.push(i % 5 === 0 ? resp(["SET", key, pickledValue(i), "EX", "86400"]) : resp(["SET", key, pickledValue(i)]));
    if (chunk.length === 10_000 || i === KEYS - 1) {
      if (!child.stdin.write(Buffer.concat(chunk))) await new Promise((r) => child.stdin.once("drain", r));
      chunk = [];
    }
  }
  child.stdin.end();
  await exited;
}

/**
 * Runs the contenders round-robin, `rounds` times, and gives each one's median: on a shared machine the load
 * drifts, and interleaving makes every contender meet the same drift.
 */
async function interleaved(rounds: number, contenders: Record<string, () => Promise<unknown>>): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const t = performance.now();
      await fn();
      times[name].push(performance.now() - t);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, list.sort((a, b) => a - b)[Math.floor(list.length / 2)]]));
}

/** Runs redis-cli --scan and resolves once `lines` names were printed (or it ended); returns the names seen. */
function redisCliScan(lines: number | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-cli", ["-p", String(PORT), "--scan", "--pattern", PATTERN], { stdio: ["ignore", "pipe", "inherit"] });
    let seen = 0;
    let done = false;
    child.stdout.on("data", (buf: Buffer) => {
      for (const byte of buf) if (byte === 10) seen++;
      if (!done && lines !== null && seen >= lines) {
        done = true;
        child.kill("SIGTERM");
        resolve(lines);
      }
    });
    child.on("error", reject);
    child.on("exit", () => {
      if (!done) resolve(seen);
    });
  });
}

async function plainScanLoop(client: Redis): Promise<number> {
  let cursor = "0";
  let n = 0;
  do {
    const [next, keys] = await client.scanBuffer(cursor, "MATCH", PATTERN, "COUNT", 1000);
    n += keys.length;
    cursor = next.toString();
  } while (cursor !== "0");
  return n;
}

function fmt(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
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
  // The same server through a user that may not run scripts: listKeys takes its SCAN path, the algorithm pages had
  // before the page script (a probe SCAN, then a big COUNT; metadata by pipelined commands instead of a script).
  const noScript = createRedisBackend({ ...config, locations: [`redis://noscript:pw@127.0.0.1:${PORT}/0`] });
  const plain = new Redis({ port: PORT, lazyConnect: true, protocol: 2 });
  try {
    let t = performance.now();
    await load();
    await plain.connect();
    console.log(
      `loaded ${await plain.dbsize()} keys in ${((performance.now() - t) / 1000).toFixed(1)} s; prefix ${PREFIX} holds ${KEYS / NAMESPACES}`,
    );
    await backend.status();
    await plain.call("ACL", "SETUSER", "noscript", "on", ">pw", "~*", "+@all", "-eval", "-evalsha");

    // Sanity before timing: the page has metadata, the prefix enumerates completely on every path.
    const page = await backend.listKeys({ prefix: PREFIX, cursor: null, count: 100, withMeta: true });
    if (page.keys.length < 100 || page.keys.some((k) => typeof k.size !== "number" || k.type !== "string")) {
      throw new Error(`first page incomplete: ${page.keys.length} rows`);
    }
    let iterated = 0;
    for await (const rows of backend.iterate({ prefix: PREFIX, batch: 1000, withSizes: true })) iterated += rows.length;
    const plainCount = await plainScanLoop(plain);
    const cliCount = await redisCliScan(null);
    if (iterated !== KEYS / NAMESPACES || plainCount !== iterated || cliCount !== iterated) {
      throw new Error(`counts differ: iterate ${iterated}, plain ${plainCount}, redis-cli ${cliCount}`);
    }
    console.log(`first page: ${page.keys.length} rows, scanned ~${page.scanned}; whole prefix: ${iterated} keys on every path\n`);

    const a = await interleaved(15, {
      page: () => backend.listKeys({ prefix: PREFIX, cursor: null, count: 100, withMeta: true }),
      scanPath: () => noScript.listKeys({ prefix: PREFIX, cursor: null, count: 100, withMeta: true }),
      cli: () => redisCliScan(100),
    });
    const b = await interleaved(Number(process.env.BENCH_ROUNDS ?? 5), {
      iterate: async () => {
        for await (const rows of backend.iterate({ prefix: PREFIX, batch: 1000, withSizes: true })) void rows;
      },
      iterateBare: async () => {
        for await (const rows of backend.iterate({ prefix: PREFIX, batch: 1000, withSizes: false })) void rows;
      },
      plain: () => plainScanLoop(plain),
    });
    t = performance.now();
    await redisCliScan(null);
    const cliAllMs = performance.now() - t;
    const [pageMs, cliPageMs] = [a.page, a.cli];
    const [iterateMs, iterateBareMs, plainMs] = [b.iterate, b.iterateBare, b.plain];

    const rows: [string, number, number, string][] = [
      ["(a) first page: listKeys 100 rows + ttl/size/type", pageMs, cliPageMs, "<= 0.10"],
      ["(a) listKeys without scripts (SCAN path, as before)", a.scanPath, cliPageMs, ""],
      ["(a) redis-cli --scan --pattern | head -100", cliPageMs, cliPageMs, ""],
      ["(b) whole prefix: iterate(), with sizes", iterateMs, plainMs, "<= 1.30"],
      ["(b) whole prefix: iterate(), names only", iterateBareMs, plainMs, ""],
      ["(b) plain ioredis SCAN MATCH COUNT 1000 loop", plainMs, plainMs, ""],
      ["(b) redis-cli --scan --pattern (all)", cliAllMs, plainMs, ""],
    ];
    console.log(`${"measure".padEnd(52)} ${"ms".padStart(9)} ${"ratio".padStart(7)}  target`);
    for (const [name, ms, base, target] of rows) {
      console.log(`${name.padEnd(52)} ${fmt(ms).padStart(9)} ${(ms / base).toFixed(3).padStart(7)}  ${target}`);
    }
    console.log("\nratios: (a) rows against redis-cli printing 100 names, (b) rows against the plain SCAN loop");
    result({
      work: `first 100 keys of a 1% prefix of ${KEYS / 1e6}M, with metadata`,
      ours: pageMs,
      theirs: cliPageMs,
      unit: "ms",
      target: "≤ 0.10×",
      note: `without scripts (SCAN path) ${a.scanPath.toFixed(1)} ms`,
    });
    result({
      work: `whole 1% prefix of ${KEYS / 1e6}M with sizes, vs a plain SCAN loop`,
      ours: iterateMs,
      theirs: plainMs,
      unit: "ms",
      target: "≤ 1.30×",
    });
    console.log(
      `load average while measuring: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} on ${cpus().length} cores`,
    );
  } finally {
    plain.disconnect();
    await backend.close();
    await noScript.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
