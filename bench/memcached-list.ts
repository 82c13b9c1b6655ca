/**
 * Benchmark: listing and deleting through the memcached backend vs raw protocol work on a socket, in the same run.
 *
 * Run:  JITI_TSCONFIG_PATHS=true node_modules/.bin/jiti bench/memcached-list.ts [items]
 * (jiti ships with vitest/eslint/tailwind; `npx tsx bench/memcached-list.ts` works too where tsx is installed.)
 *
 * Starts a private memcached on port 11297 (-m 2048), fills it with `items` keys (default 1,000,000), then times:
 *  - listing every key: backend.iterate() (metadump hash, parsed into rows) vs a raw `lru_crawler metadump all`
 *    read that only counts lines; target ≤ 1.2×;
 *  - deleting 10,000 keys: backend.deleteListed() vs raw pipelined `md <key> q` … `mn`; target ≤ 1.5×.
 * Each is run several times, alternating, after one uncounted warm-up round; medians are reported, with this
 * process's CPU time beside the wall time (on a loaded machine the CPU column is the steadier measure of our cost).
 */
import type net from "node:net";
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
const createMemcachedBackend = memcachedDescriptor.create;
import type { KeyRow } from "@/lib/backends/types";
import { startMemcached } from "@/test/memcached-server";
import { result } from "./common";
import { connect as connectTo, exchange, fill as fillItems, rawDump as rawDumpOf, timed } from "./memcached-raw";

const PORT = Number(process.env.BENCH_MEMCACHED_PORT ?? 11297);
const ITEMS = Number(process.argv[2] ?? 1_000_000);
const DELETES = 10_000;
const ROUNDS = 5;
const DELETE_ROUNDS = 15;

const connect = () => connectTo(PORT);
const rawDump = (mode: "all" | "hash") => rawDumpOf(PORT, mode);
/** Items of varied value size, a third without expiry. */
const fill = (socket: net.Socket, keys: (i: number) => string, count: number) =>
  fillItems(socket, count, (i) => ({ key: keys(i), value: `value-${i}-${"x".repeat(i % 64)}`, flags: 0 }));

async function rawDelete(socket: net.Socket, keys: string[]): Promise<void> {
  let payload = "";
  for (const k of keys) payload += `md ${k} q\r\n`;
  await exchange(socket, payload + "mn\r\n", "MN\r\n");
}

interface Sample {
  ms: number;
  cpuMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const server = await startMemcached({ port: PORT, memoryMb: 2048 });
  const backend = createMemcachedBackend({
    alias: "bench",
    backendPath: "django.core.cache.backends.memcached.PyMemcacheCache",
    locations: [server.location],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  });
  const socket = await connect();
  try {
    const t = await timed(() => fill(socket, (i) => `:1:bench:item:${i}`, ITEMS));
    console.log(`filled ${ITEMS} items in ${(t.ms / 1000).toFixed(1)} s`);

    const m = { rawAll: [] as Sample[], rawHash: [] as Sample[], ours: [] as Sample[], rawDel: [] as Sample[], ourDel: [] as Sample[] };
    const rawCounts: number[] = [];
    // Round 0 warms the JIT on both sides and is not counted.
    for (let r = 0; r <= ROUNDS; r++) {
      const raw = await timed(() => rawDump("all"));
      // `all` walks the LRUs while items move between them: it can miss or repeat a few; `hash` (ours) cannot.
      if (Math.abs(raw.result - ITEMS) > ITEMS / 100) throw new Error(`raw dump saw ${raw.result} items, expected ${ITEMS}`);
      if (r === 0) continue;
      rawCounts.push(raw.result);
      m.rawAll.push(raw);
      const ours = await timed(async () => {
        let n = 0;
        for await (const batch of backend.iterate({ prefix: "", batch: 1000, withSizes: true })) n += batch.length;
        return n;
      });
      if (ours.result !== ITEMS) throw new Error(`iterate saw ${ours.result} items, expected ${ITEMS}`);
      m.ours.push(ours);
      m.rawHash.push(await timed(() => rawDump("hash")));
    }

    for (let r = 0; r <= DELETE_ROUNDS; r++) {
      const rawKeys = Array.from({ length: DELETES }, (_, i) => `:1:bench:del:raw:${r}:${i}`);
      await fill(socket, (i) => rawKeys[i], DELETES);
      await fill(socket, (i) => `:1:bench:del:ours:${r}:${i}`, DELETES);
      const rows: KeyRow[] = [];
      for await (const batch of backend.iterate({ prefix: `:1:bench:del:ours:${r}:`, batch: 5000, withSizes: false })) rows.push(...batch);
      if (rows.length !== DELETES) throw new Error(`listed ${rows.length} rows to delete, expected ${DELETES}`);
      // Alternate which goes first, so neither always runs on a server just warmed by the other.
      const runRaw = () => timed(() => rawDelete(socket, rawKeys));
      const runOurs = () => timed(() => backend.deleteListed(rows));
      let raw: Awaited<ReturnType<typeof runRaw>>;
      let ours: Awaited<ReturnType<typeof runOurs>>;
      if (r % 2 === 0) {
        raw = await runRaw();
        ours = await runOurs();
      } else {
        ours = await runOurs();
        raw = await runRaw();
      }
      if (ours.result !== DELETES) throw new Error(`deleteListed deleted ${ours.result}, expected ${DELETES}`);
      if (r === 0) continue;
      m.rawDel.push(raw);
      m.ourDel.push(ours);
    }

    const line = (task: string, raw: Sample[], ours: Sample[], target: string) => {
      const [rw, ow] = [median(raw.map((x) => x.ms)), median(ours.map((x) => x.ms))];
      const [rc, oc] = [median(raw.map((x) => x.cpuMs)), median(ours.map((x) => x.cpuMs))];
      console.log(
        `| ${task} | ${rw.toFixed(0)} | ${ow.toFixed(0)} | ${(ow / rw).toFixed(2)}× | ${target} | ${rc.toFixed(0)} | ${oc.toFixed(0)} |`,
      );
    };
    const n = ITEMS.toLocaleString("en");
    result({
      work: `memcached listing of ${ITEMS / 1e6}M items, vs raw metadump all`,
      ours: median(m.ours.map((x) => x.ms)),
      theirs: median(m.rawAll.map((x) => x.ms)),
      unit: "ms",
      target: "≤ 1.2×",
      note: `client CPU ${Math.round(median(m.ours.map((x) => x.cpuMs)))} ms`,
    });
    console.log("\n| task | raw socket ms | backend ms | ratio | target | raw client CPU ms | backend CPU ms |");
    console.log("|---|---:|---:|---:|---:|---:|---:|");
    line(`list ${n} keys (raw: metadump all)`, m.rawAll, m.ours, "≤ 1.2×");
    line(`list ${n} keys (raw: metadump hash, as the backend)`, m.rawHash, m.ours, "(reference)");
    line(`delete ${DELETES.toLocaleString("en")} listed keys (raw: md q … mn)`, m.rawDel, m.ourDel, "≤ 1.5×");
    console.log(`\nmedians of ${ROUNDS} listing and ${DELETE_ROUNDS} delete rounds after a warm-up round; raw dumps only count lines.`);
    console.log("Lines seen by the raw `all` dumps:");
    console.log(`${rawCounts.join(", ")}; the backend (\`hash\`) saw exactly ${ITEMS} every round.`);
  } finally {
    socket.destroy();
    await backend.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
