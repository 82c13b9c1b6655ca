/**
 * The size analysis on a big memcached: Cachescope's analysis against a raw `lru_crawler metadump all` read, the
 * least any tool that lists memcached's items with their sizes must do.
 *
 *   JITI_TSCONFIG_PATHS=1 npx jiti bench/memcached-analysis.ts [items]      (default 1,000,000 items; 5 rounds)
 *
 * Starts a private memcached on port 11277 (-m 2048; BENCH_MEMCACHED_PORT overrides), fills it with Django-style
 * keys (":1:app.item:N", ":1:user.profile:N", template fragments, a third without expiry) and times, alternating,
 * after one uncounted warm-up round:
 *  - raw:  `lru_crawler metadump all` (and `hash`, the mode the backend uses: no LRU duplicates) on a socket,
 *          counting lines (no parsing);
 *  - app:  lib/analysis/run.ts analyse() in full mode (metadump through the backend's iterate(), every row folded into
 *          the bounded aggregates).
 * Target: app <= 1.5x raw. Medians; this process's CPU time is shown beside wall time.
 */
import type net from "node:net";
import { cpus, loadavg } from "node:os";
import { analyse } from "@/lib/analysis/run";
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
const createMemcachedBackend = memcachedDescriptor.create;
import type { CacheConfig } from "@/lib/config/types";
import { startMemcached } from "@/test/memcached-server";
import { result } from "./common";
import { connect as connectTo, fill as fillItems, rawDump as rawDumpOf, timed } from "./memcached-raw";

const PORT = Number(process.env.BENCH_MEMCACHED_PORT ?? 11277);
const ITEMS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 5;

function keyOf(i: number): string {
  if (i % 10 === 0) return `:1:template.cache.sidebar.${(i * 2654435761).toString(16).padStart(32, "0").slice(-32)}`;
  if (i % 10 < 4) return `:1:user.profile:${i}`;
  return `:1:app.item:${i}`;
}

const connect = () => connectTo(PORT);
const rawDump = (mode: "all" | "hash") => rawDumpOf(PORT, mode);
const fill = (socket: net.Socket) =>
  fillItems(socket, ITEMS, (i) => ({ key: keyOf(i), value: `value-${i}-${"x".repeat((i * 7) % 400)}`, flags: 1 }));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function main(): Promise<void> {
  console.log(
    `cpus: ${cpus().length}, load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const server = await startMemcached({ port: PORT, memoryMb: 2048 });
  const config: CacheConfig = {
    alias: "bench",
    backendPath: "django.core.cache.backends.memcached.PyMemcacheCache",
    locations: [server.location],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  };
  const backend = createMemcachedBackend(config);
  const socket = await connect();
  try {
    const t = await timed(() => fill(socket));
    console.log(`filled ${ITEMS} items in ${(t.ms / 1000).toFixed(1)} s`);
    const raw: { ms: number; cpuMs: number }[] = [];
    const rawHash: { ms: number; cpuMs: number }[] = [];
    const app: { ms: number; cpuMs: number }[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const h = await timed(() => rawDump("hash"));
      if (h.result !== ITEMS) throw new Error(`raw hash dump saw ${h.result} items, expected ${ITEMS}`);
      const r = await timed(() => rawDump("all"));
      // `all` walks the LRUs while items move between them: it may miss or repeat a few.
      if (Math.abs(r.result - ITEMS) > ITEMS / 100) throw new Error(`raw dump saw ${r.result} items, expected ${ITEMS}`);
      const a = await timed(() => analyse(backend, config));
      if (a.result.keys !== ITEMS) throw new Error(`analysis saw ${a.result.keys} items, expected ${ITEMS}`);
      if (round === 0) continue;
      raw.push(r);
      rawHash.push(h);
      app.push(a);
    }
    const row = (name: string, xs: { ms: number; cpuMs: number }[]) =>
      `${name.padEnd(34)}${String(Math.round(median(xs.map((x) => x.ms)))).padStart(10)}${String(Math.round(median(xs.map((x) => x.cpuMs)))).padStart(12)}`;
    console.log(`\n${ITEMS.toLocaleString("en-US")} items, medians of ${ROUNDS} rounds`);
    console.log(`${"".padEnd(34)}${"wall ms".padStart(10)}${"client CPU".padStart(12)}   x raw`);
    const ratio = median(app.map((x) => x.ms)) / median(raw.map((x) => x.ms));
    console.log(`${row("app analyse() full", app)}   ${ratio.toFixed(2)}`);
    console.log(`${row("raw lru_crawler metadump all", raw)}   1.00`);
    const hashRatio = median(app.map((x) => x.ms)) / median(rawHash.map((x) => x.ms));
    console.log(
      `${row("raw lru_crawler metadump hash", rawHash)}   ${(median(rawHash.map((x) => x.ms)) / median(raw.map((x) => x.ms))).toFixed(2)}  (app / hash: ${hashRatio.toFixed(2)})`,
    );
    result({
      work: `memcached analysis of ${ITEMS / 1e6}M items, vs raw metadump all`,
      ours: median(app.map((x) => x.ms)),
      theirs: median(raw.map((x) => x.ms)),
      unit: "ms",
      target: "≤ 1.5×",
      note: `client CPU ${Math.round(median(app.map((x) => x.cpuMs)))} ms`,
    });
    console.log(
      `target app <= 1.5x raw (all): ${ratio <= 1.5 ? "met" : "NOT met"}; against the same dump mode the backend uses (hash): ${hashRatio <= 1.5 ? "met" : "NOT met"}`,
    );
  } finally {
    socket.destroy();
    await backend.close();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
