/** The probe's maths: percentiles of measured durations, operations per second, the entry sizes to probe with. */

/**
 * The q-quantile (0..1) of values sorted ascending, interpolating linearly between the two nearest ranks (numpy's
 * default): p50 of [1, 2, 3, 4] is 2.5. null for no values.
 */
export function quantileSorted(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be between 0 and 1, got ${q}`);
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export function quantile(values: readonly number[], q: number): number | null {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}

/** One operation kind (set, get or delete) at one concurrency: latencies and throughput. */
export interface OpFigures {
  ops: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** ops ÷ the wall time the phases took (all clients together); null when no time was measured. */
  opsPerSec: number | null;
}

function round(n: number | null, digits: number): number | null {
  if (n === null) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Figures of `durationsMs` (one per operation) done in `wallMs` of wall time. */
export function opFigures(durationsMs: readonly number[], wallMs: number): OpFigures {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  return {
    ops: sorted.length,
    p50Ms: round(quantileSorted(sorted, 0.5), 4),
    p99Ms: round(quantileSorted(sorted, 0.99), 4),
    opsPerSec: wallMs > 0 && sorted.length > 0 ? round((sorted.length * 1000) / wallMs, 1) : null,
  };
}

/** A histogram bucket as the size analysis keeps them: `le` bytes inclusive, null = no bound. */
export interface SizeBucket {
  le: number | null;
  count: number;
}

/**
 * The q-quantile of a size histogram: the upper bound of the bucket where the running count reaches q of the total
 * (an over-estimate by at most one bucket's width). The unbounded last bucket answers `overflow`. null when empty.
 */
export function histogramQuantile(buckets: readonly SizeBucket[], q: number, overflow: number): number | null {
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (total === 0) return null;
  const want = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const b of buckets) {
    seen += b.count;
    if (seen >= want) return b.le ?? overflow;
  }
  return overflow;
}
