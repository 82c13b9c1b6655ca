import { BackendError } from "@/lib/backends/errors";
import { itemCount } from "@/lib/backends/server-stats";
import { messageOf } from "@/lib/backends/errors";
import type { CacheBackend, ColdBasis, EntryLimits, KeyRow } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { withoutCounterRows } from "@/lib/namespaces/format";
import { Aggregator } from "./aggregate";
import { noColdBasis } from "./cold";
import { Reservoir } from "./reservoir";
import type { AnalysisResult, AnalysisWarning } from "./types";

/**
 * The size analysis of one cache: a full walk of its keys with their sizes (exact), or a random sample (an
 * estimate, scaled to the whole). Either way every row is folded into bounded aggregates as it arrives.
 */

/** Rows asked per batch: small, so each batch is folded in while the server already works on the next (a large batch
 * would leave the server idle while the client catches up). */
const WALK_BATCH = 1_000;
export const MIN_SAMPLE = 100;
/** The sample is held in memory (reservoir mode keeps its rows): bounded. */
export const MAX_SAMPLE = 200_000;

export interface AnalyseOptions {
  /** Analyse a random sample of about this many keys instead of all. */
  sample?: number;
  signal?: AbortSignal;
  onProgress?: (p: { scanned: number; matched: number; total?: number }) => void;
}

function sizeOf(row: KeyRow): number {
  return typeof row.size === "number" ? row.size : 0;
}

/** An analysis that meets this many failovers in one run ends failed instead of starting over again. */
const MAX_FAILOVER_RESTARTS = 3;

/**
 * Analyses the cache; when its primary fails over mid-walk (Sentinel, Cluster: a "reconnecting" error), starts over on
 * the new primary with empty aggregates, since carrying on would count the keys already walked twice.
 */
export async function analyse(backend: CacheBackend, config: CacheConfig, opts: AnalyseOptions = {}): Promise<AnalysisResult> {
  for (let restarts = 0; ; restarts++) {
    try {
      return await analyseOnce(backend, config, opts);
    } catch (err) {
      const failover = err instanceof BackendError && err.code === "reconnecting";
      if (!failover || restarts >= MAX_FAILOVER_RESTARTS || opts.signal?.aborted) throw err;
    }
  }
}

async function analyseOnce(backend: CacheBackend, config: CacheConfig, opts: AnalyseOptions): Promise<AnalysisResult> {
  const started = performance.now();
  const { signal } = opts;
  const limits: EntryLimits = backend.limits ? await backend.limits().catch(() => ({})) : {};
  // A backend that purges by prefix lists by prefix: only this alias's keys are walked. Others (FileBasedCache,
  // whose files carry no key) are walked whole.
  const prefix = backend.capabilities.invalidatePrefix ? `${config.keyPrefix}:` : "";
  const total = limits.entries ?? (await itemCount(backend));
  // A sample drawn without a walk (Redis RANDOMKEY) reads no access facts: its cold figures would all be warm.
  const sample = opts.sample !== undefined && (total === null || total > opts.sample) ? opts.sample : undefined;
  const drawn = sample !== undefined && backend.sample !== undefined;
  const cold = drawn
    ? noColdBasis("A sample drawn at random reads no access times: run a full analysis for the cold figures.")
    : await coldBasisOf(backend);
  const agg = new Aggregator({ keyPrefix: config.keyPrefix, version: config.version, itemSizeMax: limits.itemSizeMax ?? null, cold });
  const progress = { scanned: 0, matched: 0, ...(total !== null ? { total } : {}) };
  const report = () => opts.onProgress?.({ ...progress });

  // A sample as big as the cache would cost the same as the truth: analyse it all then (`sample` above).
  let scale = 1;
  let exact: { keys: number; bytes: number } | null = null;
  let sampleSize: number | undefined;

  const walk = async (each: (row: KeyRow) => void) => {
    let reported = false;
    const onScanned = (n: number) => {
      reported = true;
      progress.scanned += n;
      report();
    };
    for await (const walked of backend.iterate({
      prefix,
      batch: WALK_BATCH,
      withSizes: true,
      sizesOnly: true,
      withAccess: cold.basis !== null,
      signal,
      onScanned,
    })) {
      if (!reported) progress.scanned += walked.length;
      const rows = withoutCounterRows(walked);
      for (const row of rows) each(row);
      progress.matched += rows.length;
      report();
      signal?.throwIfAborted();
    }
  };

  if (sample !== undefined && backend.sample) {
    const drawn = await backend.sample({
      prefix,
      count: sample,
      signal,
      onDrawn: (n) => {
        progress.scanned = n;
        progress.matched = n;
        report();
      },
    });
    for (const row of withoutCounterRows(drawn.rows)) agg.add(row);
    sampleSize = agg.count;
    scale = agg.count === 0 ? 1 : drawn.total / agg.count;
  } else if (sample !== undefined) {
    // The walk is needed anyway to draw fairly; totals come out exact, the breakdowns from the sample.
    const reservoir = new Reservoir<KeyRow>(sample);
    exact = { keys: 0, bytes: 0 };
    const totals = exact;
    await walk((row) => {
      totals.keys += 1;
      totals.bytes += sizeOf(row);
      reservoir.add(row);
    });
    for (const row of reservoir.sample()) agg.add(row);
    sampleSize = agg.count;
    scale = agg.count === 0 ? 1 : totals.keys / agg.count;
  } else {
    await walk((row) => agg.add(row));
  }
  signal?.throwIfAborted();

  const figures = agg.result(scale);
  const sampled = sampleSize !== undefined;
  const warnings: AnalysisWarning[] = [];
  if (sampled) {
    warnings.push({
      code: "sampled",
      message: `An estimate from a random sample of ${sampleSize} keys${exact ? "" : " (totals scaled from the server's key count)"}: run a full analysis for exact figures.`,
    });
  }
  if (limits.maxEntries !== undefined && limits.entries !== undefined && limits.entries >= limits.maxEntries) {
    warnings.push({
      code: "max_entries",
      message:
        `${limits.entries} entries at MAX_ENTRIES ${limits.maxEntries}: every set() first deletes ` +
        (limits.cullFrequency === 0 ? "all entries" : `a random 1/${limits.cullFrequency ?? 3} of all entries`) +
        ", fresh or not. Raise MAX_ENTRIES or cache less.",
      keys: limits.entries,
    });
  }
  if (backend.coldBasis && cold.basis === null && !drawn) warnings.push({ code: "cold_unavailable", message: cold.note });
  warnings.push(...figures.warnings);

  return {
    ...figures,
    ...(exact ?? {}),
    sampled,
    ...(sampleSize !== undefined ? { sampleSize } : {}),
    warnings,
    keyPrefix: config.keyPrefix,
    version: config.version,
    namedKeys: backend.capabilities.invalidatePrefix,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The backend's cold basis; a backend that fails to tell still gets its analysis, with the reason in the note. */
async function coldBasisOf(backend: CacheBackend): Promise<ColdBasis> {
  if (!backend.coldBasis) return noColdBasis("This backend records no access times: only entries that never expire are counted.");
  try {
    return await backend.coldBasis();
  } catch (err) {
    return noColdBasis(`Access times unavailable: ${messageOf(err)}`);
  }
}
