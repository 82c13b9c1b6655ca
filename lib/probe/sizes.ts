import type { AnalysisResult } from "@/lib/analysis/types";
import type { CacheBackend, KeyRow } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { withoutCounterRows } from "@/lib/namespaces/format";
import { histogramQuantile, quantile } from "./figures";

/** Which value sizes the probe writes: the sizes this cache actually stores, from the last analysis or a small sample. */

export const MIN_PROBE_BYTES = 16;
export const MAX_PROBE_BYTES = 4 * 1024 * 1024;
/** Headroom under memcached's item limit for its item header and the key. */
const ITEM_OVERHEAD = 512;
const SAMPLE_KEYS = 200;
/** Sizes used on an empty cache: a small and a typical page-fragment-sized value. */
const DEFAULT_SIZES = [1024, 16 * 1024];

export interface ProbeSize {
  label: "median" | "p95";
  bytes: number;
}

export interface ProbeSizes {
  sizes: ProbeSize[];
  source: "analysis" | "sample" | "default";
  /** Where the sizes come from, in words. */
  note: string;
}

function clamp(bytes: number, max: number): number {
  return Math.max(MIN_PROBE_BYTES, Math.min(max, Math.round(bytes)));
}

/** median and p95 (the same size once when they agree), each within the cache's limits. */
export function sizesOf(median: number, p95: number, itemSizeMax?: number): ProbeSize[] {
  const max = Math.min(MAX_PROBE_BYTES, itemSizeMax !== undefined ? Math.max(MIN_PROBE_BYTES, itemSizeMax - ITEM_OVERHEAD) : Infinity);
  const m = clamp(median, max);
  const p = clamp(p95, max);
  return p === m
    ? [{ label: "median", bytes: m }]
    : [
        { label: "median", bytes: m },
        { label: "p95", bytes: p },
      ];
}

/** From a finished size analysis's histogram (bucket upper bounds), the unbounded bucket read as its largest entry. */
export function sizesFromAnalysis(result: AnalysisResult, itemSizeMax?: number): ProbeSizes | null {
  const largest = result.top[0]?.size ?? MAX_PROBE_BYTES;
  const median = histogramQuantile(result.sizeHistogram, 0.5, largest);
  const p95 = histogramQuantile(result.sizeHistogram, 0.95, largest);
  if (median === null || p95 === null) return null;
  return {
    sizes: sizesOf(median, p95, itemSizeMax),
    source: "analysis",
    note: `median and p95 entry size of the last size analysis (${result.sampled ? "sampled" : "every key"}, ${result.keys} keys; histogram bucket bounds)`,
  };
}

/** At most SAMPLE_KEYS of the alias's entries with their sizes: a random sample where the backend draws one, else the first rows walked. */
async function sampleRows(backend: CacheBackend, config: CacheConfig, signal?: AbortSignal): Promise<KeyRow[]> {
  const prefix = backend.capabilities.invalidatePrefix ? `${config.keyPrefix}:` : "";
  if (backend.sample) return (await backend.sample({ prefix, count: SAMPLE_KEYS, signal })).rows;
  const rows: KeyRow[] = [];
  for await (const batch of backend.iterate({ prefix, batch: SAMPLE_KEYS, withSizes: true, sizesOnly: true, signal })) {
    rows.push(...batch);
    if (rows.length >= SAMPLE_KEYS) break;
  }
  return rows.slice(0, SAMPLE_KEYS);
}

export async function probeSizes(
  backend: CacheBackend,
  config: CacheConfig,
  analysis: AnalysisResult | null,
  itemSizeMax: number | undefined,
  signal?: AbortSignal,
): Promise<ProbeSizes> {
  const fromAnalysis = analysis ? sizesFromAnalysis(analysis, itemSizeMax) : null;
  if (fromAnalysis) return fromAnalysis;
  if (backend.capabilities.listKeys && backend.capabilities.sizes) {
    const sizes = withoutCounterRows(await sampleRows(backend, config, signal)).flatMap((r) =>
      typeof r.size === "number" ? [r.size] : [],
    );
    if (sizes.length > 0) {
      return {
        sizes: sizesOf(quantile(sizes, 0.5) ?? 0, quantile(sizes, 0.95) ?? 0, itemSizeMax),
        source: "sample",
        note: `median and p95 entry size of ${sizes.length} entries read now (no size analysis since the console started)`,
      };
    }
  }
  return {
    sizes: sizesOf(DEFAULT_SIZES[0], DEFAULT_SIZES[1], itemSizeMax),
    source: "default",
    note: "the cache holds no entries to size from: 1 KiB and 16 KiB values",
  };
}
