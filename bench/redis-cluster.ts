/**
 * Redis Cluster: Cachescope against what an operator would otherwise run, on 1,000,000 django-redis-style keys over
 * three primaries (a cluster of its own on ports 6457-6459, no replicas; BENCH_ROUNDS rounds, default 3).
 *
 *   npm run bench -- bench/redis-cluster.ts
 *
 * Keys: 940,000 ":1:app.nsN.itemI", 10,000 (1%) ":1:hot.itemI", 50,000 (5%) ":1:purge.itemI", loaded per node through
 * `redis-cli --pipe` (each key to the node serving its slot).
 *  1. First page (100 rows with TTL, size, type) of the 1% prefix: the backend's listKeys (every primary at once, one
 *     composite cursor) vs `redis-cli -c --scan --pattern … | head -100` on one node (which lists that node only) and vs
 *     a plain per-node SCAN MATCH COUNT 1000 loop (node after node until 100 names, no metadata).
 *  2. Purge of the 5% prefix: lib/invalidate/run.ts execute() (what the job runs) vs a raw per-node loop of SCAN MATCH
 *     COUNT 5000 and per-slot UNLINKs pipelined on that node's connection. Target: app <= 1.0x raw.
 *  3. Full size analysis: lib/analysis/run.ts analyse() vs `redis-cli --memkeys` on each primary, times summed
 *     (run one after another, as an operator would). Target: app <= 0.2x.
 * Medians of interleaved rounds; the load average is printed.
 */
import { execFile, spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { promisify } from "node:util";
import Redis from "ioredis";
import { analyse } from "../lib/analysis/run";
import { redis } from "../lib/backends/redis";
import { slotOf } from "../lib/backends/redis/cluster-slot";
import type { CacheConfig } from "../lib/config/types";
import { planFor } from "../lib/invalidate/plan";
import { execute } from "../lib/invalidate/run";
import { parseInvalidateRequest } from "../lib/invalidate/target";
import { startRedisCluster } from "../test/redis-cluster";

const PORTS = [6457, 6458, 6459];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OTHERS = 940_000;
const HOT = 10_000;
const PURGE = 50_000;
const TOTAL = OTHERS + HOT + PURGE;
const run = promisify(execFile);

function resp(args: string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`);
}

/** Which port serves each slot (CLUSTER SLOTS). */
async function slotMap(): Promise<Uint16Array> {
  const client = new Redis({ port: PORTS[0] });
  const slots = (await client.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
  client.disconnect();
  const map = new Uint16Array(16_384);
  for (const [from, to, [, port]] of slots) map.fill(port, from, to + 1);
  return map;
}

/** SETs through `redis-cli --pipe`, each key to the node serving its slot. */
async function load(keys: Iterable<string>, owner: Uint16Array): Promise<void> {
  const pipes = new Map(
    PORTS.map((port) => {
      const child = spawn("redis-cli", ["-p", String(port), "--pipe"], { stdio: ["pipe", "ignore", "inherit"] });
      const exited = new Promise<void>((resolve, reject) =>
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`--pipe ${code}`)))),
      );
      return [port, { child, exited, chunk: [] as Buffer[] }];
    }),
  );
  const flush = async (p: { child: ReturnType<typeof spawn>; chunk: Buffer[] }) => {
    const stdin = p.child.stdin;
    if (!stdin || p.chunk.length === 0) return;
    if (!stdin.write(Buffer.concat(p.chunk))) await new Promise((r) => stdin.once("drain", r));
    p.chunk = [];
  };
  let i = 0;
  for (const key of keys) {
    const p = pipes.get(owner[slotOf(key)]);
    if (!p) throw new Error(`no node for ${key}`);
    p.chunk.push(resp(["SET", key, `value-${i++}-${"x".repeat(40)}`]));
    if (p.chunk.length === 5_000) await flush(p);
  }
  for (const p of pipes.values()) {
    await flush(p);
    p.child.stdin?.end();
  }
  await Promise.all([...pipes.values()].map((p) => p.exited));
}

function* range(n: number, name: (i: number) => string): Iterable<string> {
  for (let i = 0; i < n; i++) yield name(i);
}

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function dbsizes(clients: Redis[]): Promise<number> {
  return (await Promise.all(clients.map((c) => c.dbsize()))).reduce((a, b) => a + b, 0);
}

/** Node after node, SCAN MATCH COUNT 1000 until 100 names: what a script without a cluster client does. */
async function plainFirstPage(clients: Redis[]): Promise<number> {
  const names: string[] = [];
  for (const c of clients) {
    let cursor = "0";
    do {
      const [next, keys] = await c.scan(cursor, "MATCH", ":1:hot.*", "COUNT", 1000);
      names.push(...keys);
      cursor = next;
    } while (cursor !== "0" && names.length < 100);
    if (names.length >= 100) break;
  }
  return names.length;
}

/** Per node: SCAN MATCH COUNT 5000, then the step's matches grouped by slot, one UNLINK per slot, pipelined. */
async function rawPurge(clients: Redis[]): Promise<number> {
  const counts = await Promise.all(
    clients.map(async (c) => {
      let deleted = 0;
      let cursor = "0";
      do {
        const [next, keys] = await c.scan(cursor, "MATCH", ":1:purge.*", "COUNT", 5000);
        cursor = next;
        if (keys.length === 0) continue;
        const bySlot = new Map<number, string[]>();
        for (const k of keys) bySlot.set(slotOf(k), [...(bySlot.get(slotOf(k)) ?? []), k]);
        const pipeline = c.pipeline();
        for (const group of bySlot.values()) pipeline.unlink(...group);
        for (const [err, n] of (await pipeline.exec()) ?? []) {
          if (err) throw err;
          deleted += Number(n);
        }
      } while (cursor !== "0");
      return deleted;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function memkeys(port: number): Promise<number> {
  const { stdout } = await run("redis-cli", ["-p", String(port), "--memkeys"], { maxBuffer: 64 * 1024 * 1024 });
  const m = /Sampled (\d+) keys/.exec(stdout);
  if (!m) throw new Error(`unexpected redis-cli --memkeys output:\n${stdout.slice(-500)}`);
  return Number(m[1]);
}

async function main(): Promise<void> {
  console.log(
    `cpus ${cpus().length}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const cluster = await startRedisCluster({ ports: PORTS, replicas: 0 });
  const clients = PORTS.map((port) => new Redis({ port, protocol: 2 }));
  const config: CacheConfig = {
    alias: "bench",
    backendPath: "django_redis.cache.RedisCache",
    locations: [`redis://127.0.0.1:${PORTS[0]}/0`],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  };
  const backend = redis.create(config);
  try {
    const owner = await slotMap();
    const t = performance.now();
    await load(
      range(OTHERS, (i) => `:1:app.ns${i % 100}.item${i}`),
      owner,
    );
    await load(
      range(HOT, (i) => `:1:hot.item${i}`),
      owner,
    );
    console.log(`loaded ${await dbsizes(clients)} keys over ${PORTS.length} primaries in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await backend.status();

    // 1. First page.
    const page = { app: [] as number[], cli: [] as number[], plain: [] as number[] };
    for (let r = 0; r < ROUNDS * 3; r++) {
      const a = await timed(() => backend.listKeys({ prefix: ":1:hot.", cursor: null, count: 100, withMeta: true }));
      if (a.value.keys.length < 100) throw new Error(`app page: ${a.value.keys.length} rows`);
      page.app.push(a.ms);
      const c = await timed(() => run("sh", ["-c", `redis-cli -c -p ${PORTS[0]} --scan --pattern ':1:hot.*' | head -100 > /dev/null`]));
      page.cli.push(c.ms);
      const p = await timed(() => plainFirstPage(clients));
      if (p.value < 100) throw new Error(`plain page: ${p.value}`);
      page.plain.push(p.ms);
    }

    // 2. Purge of 5%.
    const purge = { app: [] as number[], raw: [] as number[] };
    const plan = planFor(
      { config, capabilities: backend.capabilities },
      parseInvalidateRequest({ target: { prefix: "purge." }, dryRun: false }),
    );
    for (let r = 0; r < ROUNDS; r++) {
      for (const who of r % 2 === 0 ? ["app", "raw"] : ["raw", "app"]) {
        await load(
          range(PURGE, (i) => `:1:purge.item${i}`),
          owner,
        );
        if ((await dbsizes(clients)) !== TOTAL) throw new Error("reload failed");
        if (who === "app") {
          const x = await timed(() => execute(backend, plan));
          if (x.value.deleted !== PURGE) throw new Error(`app deleted ${x.value.deleted}`);
          purge.app.push(x.ms);
        } else {
          const x = await timed(() => rawPurge(clients));
          if (x.value !== PURGE) throw new Error(`raw deleted ${x.value}`);
          purge.raw.push(x.ms);
        }
        if ((await dbsizes(clients)) !== TOTAL - PURGE) throw new Error(`${who} left the wrong keys`);
      }
    }

    // 3. Full analysis (the 5% loaded again: 1M keys).
    await load(
      range(PURGE, (i) => `:1:purge.item${i}`),
      owner,
    );
    const analysis = { app: [] as number[], memkeys: [] as number[] };
    for (let r = 0; r < Math.max(1, ROUNDS - 1); r++) {
      for (const who of r % 2 === 0 ? ["app", "memkeys"] : ["memkeys", "app"]) {
        if (who === "app") {
          const x = await timed(() => analyse(backend, config));
          if (x.value.keys !== TOTAL) throw new Error(`app analysed ${x.value.keys} keys`);
          analysis.app.push(x.ms);
        } else {
          let sum = 0;
          let seen = 0;
          for (const port of PORTS) {
            const x = await timed(() => memkeys(port));
            sum += x.ms;
            seen += x.value;
          }
          if (seen !== TOTAL) throw new Error(`memkeys saw ${seen} keys`);
          analysis.memkeys.push(sum);
        }
      }
    }

    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(
      `\n${TOTAL.toLocaleString("en-US")} keys over ${PORTS.length} primaries; medians; load average now ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    console.log(`first page of the 1% prefix (100 rows):`);
    console.log(`  app listKeys (all primaries, with meta)   ${f(median(page.app))}`);
    console.log(
      `  redis-cli -c --scan | head -100 (1 node)   ${f(median(page.cli))}   app ${(median(page.app) / median(page.cli)).toFixed(2)}x`,
    );
    console.log(
      `  plain per-node SCAN loop (names only)     ${f(median(page.plain))}   app ${(median(page.app) / median(page.plain)).toFixed(2)}x`,
    );
    console.log(`purge of the 5% prefix (50,000 keys):`);
    console.log(`  app execute()                             ${f(median(purge.app))}`);
    const pr = median(purge.app) / median(purge.raw);
    console.log(
      `  raw per-node SCAN 5000 + per-slot UNLINK  ${f(median(purge.raw))}   app ${pr.toFixed(2)}x (target <= 1.0x: ${pr <= 1 ? "met" : "NOT met"})`,
    );
    console.log(`full analysis:`);
    console.log(`  app analyse()                             ${f(median(analysis.app))}`);
    const ar = median(analysis.app) / median(analysis.memkeys);
    console.log(
      `  redis-cli --memkeys per node, summed       ${f(median(analysis.memkeys))}   app ${ar.toFixed(3)}x (target <= 0.2x: ${ar <= 0.2 ? "met" : "NOT met"})`,
    );
    console.log(
      `rounds (ms): page app ${page.app.map(Math.round).join(",")} cli ${page.cli.map(Math.round).join(",")} plain ${page.plain.map(Math.round).join(",")}; ` +
        `purge app ${purge.app.map(Math.round).join(",")} raw ${purge.raw.map(Math.round).join(",")}; ` +
        `analysis app ${analysis.app.map(Math.round).join(",")} memkeys ${analysis.memkeys.map(Math.round).join(",")}`,
    );
  } finally {
    await backend.close();
    for (const c of clients) c.disconnect();
    await cluster.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
