import { BUCKET_SECONDS, MAX_NAMESPACES_PER_BUCKET, bucketOf } from "./format";
import {
  addCounts,
  mergeNamespace,
  mergeSkipped,
  zeroCounts,
  type Counts,
  type NamespaceCounts,
  type NamespaceKind,
  type ParsedBucket,
  type Skipped,
} from "./parse";
import { addTiming, latencyOf, savedOf, savedOfAlias, zeroTiming, type Latency, type Saved, type Timing } from "./timing";

/** Buckets → what the Namespaces tab and the API show: window totals, rates, ratios, flags, sparklines, history. Pure. */

export type NamespaceFlag = "written-never-read" | "mostly-misses";

/** "Mostly misses" needs this many reads in the window before a ratio means anything. */
export const MOSTLY_MISSES_MIN_READS = 10;
export const MOSTLY_MISSES_BELOW = 0.2;
/** Points per sparkline (fewer for short windows: one per bucket). */
export const SPARK_POINTS = 30;

export interface Rates {
  hitRatio: number | null;
  requestsPerSec: number;
  missesPerSec: number;
  setsPerSec: number;
  deletesPerSec: number;
}

export interface NamespaceRow extends Counts, Rates {
  name: string;
  kind: NamespaceKind;
  flags: NamespaceFlag[];
  /** Hit ratio per sparkline step, oldest first; null where the step had no reads. */
  spark: (number | null)[];
  /** Latency of its gets and sets; null when no record of the window carried timing for it. */
  latency: Latency | null;
  saved: Saved;
}

export interface WindowAggregate {
  windowSeconds: number;
  /** Newest flush seen in the window's buckets, ms since the epoch. */
  updatedAt: number | null;
  /** Records accepted in the window. */
  records: number;
  /** The first sparkline step starts here (ms since the epoch); each is sparkStepSeconds long. */
  sparkFrom: number;
  sparkStepSeconds: number;
  namespaces: NamespaceRow[];
  /** Every namespace summed: the alias's own hit ratio as Django saw it. */
  total: Counts & Rates;
  /** Every namespace's histograms summed; null without timing data in the window. */
  latency: Latency | null;
  saved: Saved;
  skipped: Skipped;
}

export interface HistoryPoint {
  /** The bucket's start, ms since the epoch. */
  t: number;
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  hitRatio: number | null;
}

export function hitRatio(c: Pick<Counts, "hits" | "misses">): number | null {
  const reads = c.hits + c.misses;
  return reads === 0 ? null : c.hits / reads;
}

export function ratesOf(c: Counts, seconds: number): Rates {
  return {
    hitRatio: hitRatio(c),
    requestsPerSec: (c.hits + c.misses) / seconds,
    missesPerSec: c.misses / seconds,
    setsPerSec: c.sets / seconds,
    deletesPerSec: c.deletes / seconds,
  };
}

export function flagsOf(c: Counts): NamespaceFlag[] {
  const flags: NamespaceFlag[] = [];
  const reads = c.hits + c.misses;
  if (c.sets + c.adds > 0 && reads === 0) flags.push("written-never-read");
  if (reads >= MOSTLY_MISSES_MIN_READS && c.hits / reads < MOSTLY_MISSES_BELOW) flags.push("mostly-misses");
  return flags;
}

/** A window in seconds as whole buckets (10 s → 10, 61 s → 70). */
export function windowBuckets(windowSeconds: number): number {
  return Math.max(1, Math.ceil(windowSeconds / BUCKET_SECONDS));
}

/**
 * The window is the last `windowSeconds / 10` buckets up to and including the one `nowSeconds` falls in (still filling):
 * counts are as fresh as the last flush, rates are counts over the window's length.
 */
export function aggregateWindow(buckets: ParsedBucket[], nowSeconds: number, windowSeconds: number): WindowAggregate {
  const n = windowBuckets(windowSeconds);
  const seconds = n * BUCKET_SECONDS;
  const last = bucketOf(nowSeconds);
  const first = last - seconds + BUCKET_SECONDS;
  const stepBuckets = Math.max(1, Math.ceil(n / SPARK_POINTS));
  const steps = Math.ceil(n / stepBuckets);

  const totals = new Map<string, NamespaceCounts>();
  const sparks = new Map<string, { hits: number[]; misses: number[] }>();
  const skipped: Skipped = {};
  let updatedAt: number | null = null;
  let records = 0;
  for (const b of buckets) {
    if (b.bucket < first || b.bucket > last) continue;
    records += b.records;
    mergeSkipped(skipped, b.skipped);
    if (b.lastFlushAt !== null) updatedAt = Math.max(updatedAt ?? 0, b.lastFlushAt);
    const step = Math.floor((b.bucket - first) / BUCKET_SECONDS / stepBuckets);
    for (const [name, counts] of b.namespaces) {
      // Folded into "(other)" when the window holds its cap of names: the spark follows the counts.
      const key = mergeNamespace(totals, name, counts, MAX_NAMESPACES_PER_BUCKET, skipped);
      let spark = sparks.get(key);
      if (!spark) {
        spark = { hits: new Array<number>(steps).fill(0), misses: new Array<number>(steps).fill(0) };
        sparks.set(key, spark);
      }
      spark.hits[step] += counts.hits;
      spark.misses[step] += counts.misses;
    }
  }

  const total = zeroCounts();
  let totalTiming: Timing | undefined;
  const namespaces: NamespaceRow[] = [];
  for (const [name, counts] of totals) {
    const { kind, timing, ...c } = counts;
    addCounts(total, c);
    if (timing) addTiming((totalTiming ??= zeroTiming()), timing);
    const spark = sparks.get(name);
    namespaces.push({
      name,
      kind,
      ...c,
      ...ratesOf(c, seconds),
      flags: flagsOf(c),
      spark: spark ? spark.hits.map((h, i) => hitRatio({ hits: h, misses: spark.misses[i] })) : new Array<null>(steps).fill(null),
      latency: latencyOf(timing),
      saved: savedOf(timing, c.hits, seconds),
    });
  }
  namespaces.sort((a, b) => b.missesPerSec - a.missesPerSec || b.requestsPerSec - a.requestsPerSec || a.name.localeCompare(b.name));
  return {
    windowSeconds: seconds,
    updatedAt,
    records,
    sparkFrom: first * 1000,
    sparkStepSeconds: stepBuckets * BUCKET_SECONDS,
    namespaces,
    total: { ...total, ...ratesOf(total, seconds) },
    latency: latencyOf(totalTiming),
    saved: savedOfAlias(namespaces, totalTiming, total.hits, seconds),
    skipped,
  };
}

/**
 * One point per bucket from `fromBucket` to `toBucket` (zeros where nothing was flushed: an idle interval is a fact,
 * not a gap) for one namespace, or for all of them summed when name is null.
 */
export function historyPoints(buckets: ParsedBucket[], name: string | null, fromBucket: number, toBucket: number): HistoryPoint[] {
  const byBucket = new Map(buckets.map((b) => [b.bucket, b]));
  const points: HistoryPoint[] = [];
  for (let t = fromBucket; t <= toBucket; t += BUCKET_SECONDS) {
    const b = byBucket.get(t);
    const c = zeroCounts();
    if (b) {
      if (name === null) for (const counts of b.namespaces.values()) addCounts(c, counts);
      else {
        const counts = b.namespaces.get(name);
        if (counts) addCounts(c, counts);
      }
    }
    points.push({ t: t * 1000, hits: c.hits, misses: c.misses, sets: c.sets, deletes: c.deletes, hitRatio: hitRatio(c) });
  }
  return points;
}
