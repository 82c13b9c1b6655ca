/**
 * Benchmark: listing a FileBasedCache directory with every entry's expiry, Cachescope vs Django's own loop, same run.
 *
 * Run:  JITI_TSCONFIG_PATHS=true node_modules/.bin/jiti bench/filebased-list.ts [entries]
 * (jiti ships with the dev dependencies; `npx tsx bench/filebased-list.ts` works too where tsx is installed.)
 *
 * Data: `entries` (default 20,000) entries written by a real Django 3.2 (`cache.set` through FileBasedCache, via
 * test/django-filebased/djcache.py `bulk`): dicts of varied size, timeouts None or one day, none expired (Django's
 * `_is_expired` deletes expired files, which would change the directory between runs). Culling is switched off
 * while filling, because `_cull` globs the whole directory on every set (quadratic for 20k writes).
 *
 * Timed, best of RUNS each, runs alternating, page cache warm for both:
 *  - Django: `for f in cache._list_cache_files(): open(f) + cache._is_expired(f)`, timed inside Python
 *    (interpreter start and Django setup excluded);
 *  - Cachescope: `backend.iterate({withSizes: true})` - a fresh readdir, then each file's head (expiry) and size -
 *    every row with ttl, size and the expired flag;
 *  - Cachescope: `listKeys({sort: "expiry"})`, first page: the same reads plus sorting all entries by expiry.
 * Target: iterate ≤ 0.35× Django's loop (wall time). The first run (thread start) is reported apart. CPU time
 * (user + system, all threads) is printed too: on a machine shared with other work, wall times swing with the
 * load while CPU times stay put.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { filebased as filebasedDescriptor } from "@/lib/backends/filebased";
const createFileBasedBackend = filebasedDescriptor.create;
import type { CacheBackend } from "@/lib/backends/types";
import { django, fileCacheConfig } from "@/test/django-filebased/django";
import { result } from "./common";

const ENTRIES = Number(process.argv[2] ?? 20_000);
const RUNS = 9;
const TARGET = 0.35;

async function iterateAll(backend: CacheBackend): Promise<{ rows: number; withExpiry: number }> {
  let rows = 0;
  let withExpiry = 0;
  for await (const batch of backend.iterate({ prefix: "", batch: 5000, withSizes: true })) {
    rows += batch.length;
    for (const row of batch) if (row.ttl !== undefined && row.size !== undefined) withExpiry++;
  }
  return { rows, withExpiry };
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T, number]> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const out = await fn();
  const used = process.cpuUsage(cpu);
  return [(performance.now() - start) / 1000, out, (used.user + used.system) / 1e6];
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), "cachescope-bench-fb-"));
  const dir = path.join(root, "cache");
  try {
    const fill = await timed(async () => django<{ files: number }>("bulk", dir, { count: ENTRIES }));
    console.log(`filled ${fill[1].files} entries with Django 3.2 in ${fill[0].toFixed(1)} s (${dir})`);
    const backend = createFileBasedBackend(fileCacheConfig(dir));

    const [first, firstOut] = await timed(() => iterateAll(backend));
    if (firstOut.rows !== ENTRIES || firstOut.withExpiry !== ENTRIES) {
      throw new Error(`iterate gave ${firstOut.rows} rows, ${firstOut.withExpiry} with expiry; expected ${ENTRIES}`);
    }
    let djangoBest = Infinity;
    let djangoCpu = Infinity;
    let iterateBest = Infinity;
    let iterateCpu = Infinity;
    let sortedBest = Infinity;
    for (let run = 0; run < RUNS; run++) {
      const py = django<{ files: number; expired: number; seconds: number; cpuSeconds: number }>("list", dir, { repeat: 1 });
      if (py.files !== ENTRIES || py.expired !== 0) throw new Error(`Django saw ${py.files} files, ${py.expired} expired`);
      djangoBest = Math.min(djangoBest, py.seconds);
      djangoCpu = Math.min(djangoCpu, py.cpuSeconds);
      const [wall, , cpu] = await timed(() => iterateAll(backend));
      iterateBest = Math.min(iterateBest, wall);
      iterateCpu = Math.min(iterateCpu, cpu);
      await backend.close(); // forget the cached listing: the sorted page must read the directory again
      const [sorted, page] = await timed(() => backend.listKeys({ prefix: "", cursor: null, count: 100, withMeta: false, sort: "expiry" }));
      if (page.scanned !== ENTRIES) throw new Error(`sorted listing scanned ${page.scanned}`);
      sortedBest = Math.min(sortedBest, sorted);
    }
    const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`.padStart(10);
    const perFile = (s: number) => `${((s * 1e6) / ENTRIES).toFixed(1)} µs/entry`;
    const load = os.loadavg()[0].toFixed(1);
    console.log(`entries: ${ENTRIES}, best of ${RUNS}, ${os.availableParallelism()} cores, load average ${load}, node ${process.version}`);
    console.log(`Django _list_cache_files + _is_expired     ${ms(djangoBest)}  ${perFile(djangoBest)}`);
    console.log(
      `Cachescope iterate (expiry + size)         ${ms(iterateBest)}  ${perFile(iterateBest)}  ratio ${(iterateBest / djangoBest).toFixed(2)}×`,
    );
    console.log(
      `Cachescope listKeys sort=expiry, page 1    ${ms(sortedBest)}  ${perFile(sortedBest)}  ratio ${(sortedBest / djangoBest).toFixed(2)}×`,
    );
    console.log(`Cachescope iterate, first run (threads start) ${ms(first)}`);
    console.log(
      `CPU time: Django ${ms(djangoCpu)}, Cachescope iterate ${ms(iterateCpu)} (all threads), ratio ${(iterateCpu / djangoCpu).toFixed(2)}×`,
    );
    result({
      work: `FileBasedCache listing of ${ENTRIES / 1000}k entries with expiry, vs Django's own loop`,
      ours: iterateBest * 1000,
      theirs: djangoBest * 1000,
      unit: "ms",
      target: "≤ 0.35×",
      note: `CPU ratio ${(iterateCpu / djangoCpu).toFixed(2)}×`,
    });
    const ratio = iterateBest / djangoBest;
    console.log(ratio <= TARGET ? `OK: ${ratio.toFixed(2)}× ≤ ${TARGET}×` : `MISSED: ${ratio.toFixed(2)}× > ${TARGET}×`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
