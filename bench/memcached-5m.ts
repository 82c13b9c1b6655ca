/**
 * Cachescope on a memcached of 5,000,000 items: listing every key and the full size analysis, each beside a raw
 * `lru_crawler metadump` read (the least any tool listing memcached's items must do), with the console's peak RSS.
 *
 *   npm run bench -- bench/memcached-5m.ts [items]       (default 5,000,000; BENCH_ROUNDS, default 3)
 *
 * Starts its own memcached on port 11491 (BENCH_MEMCACHED_PORT overrides) with -m 4096, fills it with Django-style
 * keys (as bench/memcached-analysis.ts: ":1:app.item:N", ":1:user.profile:N", template fragments), then times,
 * interleaved, after one uncounted warm-up round: raw `metadump all` and `hash` (line counting only), backend
 * iterate() (the listing, with sizes) and analyse() (full). Medians; peak RSS is this process's VmHWM per task.
 */
import { analyse } from "@/lib/analysis/run";
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
import type { CacheConfig } from "@/lib/config/types";
import { startMemcached } from "@/test/memcached-server";
import { loadLine, median, peakRss, result } from "./common";
import { connect, fill, rawDump } from "./memcached-raw";

const PORT = Number(process.env.BENCH_MEMCACHED_PORT ?? 11491);
const ITEMS = Number(process.argv[2] ?? 5_000_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

function keyOf(i: number): string {
  if (i % 10 === 0) return `:1:template.cache.sidebar.${(i * 2654435761).toString(16).padStart(32, "0").slice(-32)}`;
  if (i % 10 < 4) return `:1:user.profile:${i}`;
  return `:1:app.item:${i}`;
}

async function main(): Promise<void> {
  console.log(`${ITEMS.toLocaleString("en-US")} items; ${loadLine()}`);
  const server = await startMemcached({ port: PORT, memoryMb: 4096 });
  const config: CacheConfig = {
    alias: "bench",
    backendPath: "django.core.cache.backends.memcached.PyMemcacheCache",
    locations: [server.location],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  };
  const backend = memcachedDescriptor.create(config);
  try {
    const socket = await connect(PORT);
    const t = performance.now();
    await fill(socket, ITEMS, (i) => ({ key: keyOf(i), value: `value-${i}-${"x".repeat((i * 7) % 200)}`, flags: 1 }));
    socket.destroy();
    console.log(`filled in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const m = { all: [] as number[], hash: [] as number[], list: [] as number[], analysis: [] as number[] };
    const rss = { list: 0, analysis: 0 };
    for (let round = 0; round <= ROUNDS; round++) {
      const all = await peakRss(() => rawDump(PORT, "all"));
      if (Math.abs(all.value - ITEMS) > ITEMS / 100) throw new Error(`raw all saw ${all.value}`);
      const hash = await peakRss(() => rawDump(PORT, "hash"));
      if (hash.value !== ITEMS) throw new Error(`raw hash saw ${hash.value}`);
      const list = await peakRss(async () => {
        let n = 0;
        for await (const batch of backend.iterate({ prefix: "", batch: 1000, withSizes: true })) n += batch.length;
        return n;
      });
      if (list.value !== ITEMS) throw new Error(`iterate saw ${list.value}`);
      const analysis = await peakRss(() => analyse(backend, config));
      if (analysis.value.keys !== ITEMS) throw new Error(`analysis saw ${analysis.value.keys}`);
      console.log(
        `round ${round}${round === 0 ? " (warm-up)" : ""}: all ${all.ms.toFixed(0)} ms, hash ${hash.ms.toFixed(0)} ms, list ${list.ms.toFixed(0)} ms, analysis ${analysis.ms.toFixed(0)} ms`,
      );
      if (round === 0) continue;
      m.all.push(all.ms);
      m.hash.push(hash.ms);
      m.list.push(list.ms);
      m.analysis.push(analysis.ms);
      rss.list = Math.max(rss.list, list.peakMiB);
      rss.analysis = Math.max(rss.analysis, analysis.peakMiB);
    }
    const [all, hash, list, analysis] = [median(m.all), median(m.hash), median(m.list), median(m.analysis)];
    console.log(`\n${ITEMS.toLocaleString("en-US")} items, medians of ${ROUNDS}; ${loadLine()}`);
    console.log("| task | Cachescope ms | raw metadump all ms | ratio | raw metadump hash ms | ratio | console peak RSS |");
    console.log("|---|---:|---:|---:|---:|---:|---:|");
    const row = (task: string, ms: number, peak: number) =>
      console.log(
        `| ${task} | ${ms.toFixed(0)} | ${all.toFixed(0)} | ${(ms / all).toFixed(2)}× | ${hash.toFixed(0)} | ${(ms / hash).toFixed(2)}× | ${peak.toFixed(0)} MiB |`,
      );
    row("listing (iterate with sizes)", list, rss.list);
    row("full analysis", analysis, rss.analysis);
    result({ work: `memcached listing of ${ITEMS / 1e6}M items`, ours: list, theirs: all, unit: "ms", target: "≤ 1.2×" });
    result({ work: `memcached analysis of ${ITEMS / 1e6}M items`, ours: analysis, theirs: all, unit: "ms", target: "≤ 1.5×" });
    result({
      work: `console peak RSS, memcached ${ITEMS / 1e6}M items`,
      ours: Math.max(rss.list, rss.analysis),
      theirs: 400,
      unit: "MiB",
      target: "≤ 400 MiB",
    });
  } finally {
    await backend.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
