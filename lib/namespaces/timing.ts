/**
 * The companion's timing extension of the counter format (docs/COUNTERS_FORMAT.md, "Timing"): latency histograms and
 * recompute costs per namespace, and what the console derives from them (percentiles, cost per miss, work saved). Pure.
 */

/** The extension's own version (a record's `tv`): counts of a record with another `tv` are still used, its timing is not. */
export const TIMING_VERSION = 1;

/** Upper bounds (µs, inclusive) of the fixed log-scale latency buckets; one more bucket past the last holds the rest (+Inf). */
export const LATENCY_BOUNDS_US = [
  5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000,
  10_000_000,
] as const;
export const LATENCY_BUCKETS = LATENCY_BOUNDS_US.length + 1;

/** What one namespace's records carried, summed: histograms of call durations and the measured recompute costs. */
export interface Timing {
  /** get, aget, get_or_set's read: one observation per call. */
  get: number[];
  /** set, add, get_or_set's write. */
  set: number[];
  /** get_many, set_many, delete, delete_many, touch, incr, decr. */
  other: number[];
  /** Sum (µs) and number of measured recomputes after a miss. */
  costSumUs: number;
  costCount: number;
  /** Hits that stood for a recompute (a cache_page view's header-key hit does not: its page-key hit does). */
  savingHits: number;
}

export interface LatencyBucket {
  /** Inclusive upper bound, ms; null for the last bucket (+Inf). */
  leMs: number | null;
  /** This bucket's own count (not cumulative). */
  count: number;
}

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  buckets: LatencyBucket[];
}

export interface Latency {
  get: LatencySummary;
  set: LatencySummary;
}

export interface Saved {
  /** Mean measured recompute cost of a miss; null: never measured (unknown, not zero). */
  costPerMissMs: number | null;
  /** Hits that saved a recompute, per second. */
  hitsPerSecond: number;
  /** hitsPerSecond × costPerMiss (seconds of work per second); null when the cost is unknown. */
  savedSecondsPerSecond: number | null;
}

export function zeroTiming(): Timing {
  const zeros = () => new Array<number>(LATENCY_BUCKETS).fill(0);
  return { get: zeros(), set: zeros(), other: zeros(), costSumUs: 0, costCount: 0, savingHits: 0 };
}

export function cloneTiming(t: Timing): Timing {
  return { ...t, get: [...t.get], set: [...t.set], other: [...t.other] };
}

export function addTiming(into: Timing, from: Timing): void {
  for (let i = 0; i < LATENCY_BUCKETS; i++) {
    into.get[i] += from.get[i];
    into.set[i] += from.set[i];
    into.other[i] += from.other[i];
  }
  into.costSumUs += from.costSumUs;
  into.costCount += from.costCount;
  into.savingHits += from.savingHits;
}

function isCount(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

/** A histogram field: counts per bucket, trailing zeros left out. */
function histogramOf(value: unknown, into: number[]): boolean {
  if (value === undefined) return true;
  if (!Array.isArray(value) || value.length > LATENCY_BUCKETS) return false;
  for (let i = 0; i < value.length; i++) {
    const n: unknown = value[i];
    if (!isCount(n)) return false;
    into[i] = n;
  }
  return true;
}

/** A namespace entry's timing fields (`lg`, `ls`, `lo`, `rs`, `rn`, `sh`): null when any is malformed. */
export function timingOf(entry: Record<string, unknown>, hits: number): Timing | null {
  const t = zeroTiming();
  if (!histogramOf(entry.lg, t.get) || !histogramOf(entry.ls, t.set) || !histogramOf(entry.lo, t.other)) return null;
  const { rs, rn, sh } = entry;
  if ((rs !== undefined && !isCount(rs)) || (rn !== undefined && !isCount(rn)) || (sh !== undefined && !isCount(sh))) return null;
  t.costSumUs = rs ?? 0;
  t.costCount = rn ?? 0;
  // Absent: every hit stood for a recompute.
  t.savingHits = sh ?? hits;
  return t;
}

/** The q-quantile (ms) of a histogram, linear within its bucket (the +Inf bucket answers its lower bound); null when empty. */
export function quantileMs(hist: number[], q: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const n = hist[i];
    if (n === 0) continue;
    if (seen + n >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_US[i - 1];
      if (i >= LATENCY_BOUNDS_US.length) return lower / 1000;
      const upper = LATENCY_BOUNDS_US[i];
      return (lower + ((upper - lower) * (rank - seen)) / n) / 1000;
    }
    seen += n;
  }
  return LATENCY_BOUNDS_US[LATENCY_BOUNDS_US.length - 1] / 1000;
}

export function summarize(hist: number[]): LatencySummary {
  return {
    count: hist.reduce((a, b) => a + b, 0),
    p50Ms: quantileMs(hist, 0.5),
    p95Ms: quantileMs(hist, 0.95),
    p99Ms: quantileMs(hist, 0.99),
    buckets: hist.map((count, i) => ({ leMs: i < LATENCY_BOUNDS_US.length ? LATENCY_BOUNDS_US[i] / 1000 : null, count })),
  };
}

export function latencyOf(t: Timing | undefined): Latency | null {
  return t ? { get: summarize(t.get), set: summarize(t.set) } : null;
}

/** What a namespace's caching saved over `seconds`; without timing data the hits are all there is, the cost is unknown. */
export function savedOf(t: Timing | undefined, hits: number, seconds: number): Saved {
  const hitsPerSecond = (t ? t.savingHits : hits) / seconds;
  const costPerMissMs = t && t.costCount > 0 ? t.costSumUs / t.costCount / 1000 : null;
  return { costPerMissMs, hitsPerSecond, savedSecondsPerSecond: costPerMissMs === null ? null : (hitsPerSecond * costPerMissMs) / 1000 };
}

/** An alias's: its namespaces' savings summed where known, the cost per miss over every measured recompute. */
export function savedOfAlias(rows: { saved: Saved }[], t: Timing | undefined, hits: number, seconds: number): Saved {
  const base = savedOf(t, hits, seconds);
  const known = rows.filter((r) => r.saved.savedSecondsPerSecond !== null);
  return {
    ...base,
    savedSecondsPerSecond: known.length === 0 ? null : known.reduce((s, r) => s + (r.saved.savedSecondsPerSecond ?? 0), 0),
  };
}
