import type { HistogramBucket } from "./types";

/** Fixed buckets, so a histogram costs the same for 10 keys or 10 million and two analyses compare bucket by bucket. */

const KiB = 1024;
/** Sizes in bytes, by powers of 4 from 64 B to 16 MiB. */
export const SIZE_BOUNDS = [64, 256, KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1024 * KiB, 4096 * KiB, 16384 * KiB];
/** TTLs in seconds: a minute, 5 min, 15 min, an hour, 6 h, a day, a week, 30 days. */
export const TTL_BOUNDS = [60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400];

export class Histogram {
  private readonly counts: number[];

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  add(value: number, count = 1): void {
    // Bounds are few (≤ 11): a linear walk beats a binary search at this size.
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]) i++;
    this.counts[i] += count;
  }

  /** Buckets with their upper bound ("le", inclusive); the last one has none (null). */
  result(scale = 1): HistogramBucket[] {
    return this.counts.map((count, i) => ({ le: i < this.bounds.length ? this.bounds[i] : null, count: Math.round(count * scale) }));
  }
}
