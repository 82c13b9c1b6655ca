import { describe, expect, it } from "vitest";
import { histogramQuantile, opFigures, quantile, quantileSorted } from "./figures";

describe("quantile", () => {
  it("interpolates between the nearest ranks", () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30], 0.5)).toBe(20);
    expect(quantile([10, 20], 0.99)).toBeCloseTo(19.9, 10);
  });
  it("gives the extremes at 0 and 1, one value for every quantile, null for none", () => {
    expect(quantile([5, 9, 1], 0)).toBe(1);
    expect(quantile([5, 9, 1], 1)).toBe(9);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });
  it("p99 of 1..100 sits between 99 and 100", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantileSorted(values, 0.99)).toBeCloseTo(99.01, 10);
  });
  it("refuses a quantile out of range", () => {
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
    expect(() => quantile([1], Number.NaN)).toThrow(RangeError);
  });
  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    quantile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("opFigures", () => {
  it("ops per second is the count over the wall time, not over the summed latencies", () => {
    // 8 clients each doing 100 ops of 2 ms in parallel: 800 ops in 200 ms of wall time.
    const f = opFigures(new Array(800).fill(2), 200);
    expect(f).toEqual({ ops: 800, p50Ms: 2, p99Ms: 2, opsPerSec: 4000 });
  });
  it("p50 and p99 of a skewed distribution", () => {
    const durations = [...new Array(98).fill(1), 50, 100];
    const f = opFigures(durations, 1000);
    expect(f.p50Ms).toBe(1);
    expect(f.p99Ms).toBeCloseTo(50.5, 4);
    expect(f.opsPerSec).toBe(100);
  });
  it("no operations or no time: no rate", () => {
    expect(opFigures([], 10)).toEqual({ ops: 0, p50Ms: null, p99Ms: null, opsPerSec: null });
    expect(opFigures([1], 0).opsPerSec).toBeNull();
  });
});

describe("histogramQuantile", () => {
  const buckets = [
    { le: 100, count: 50 },
    { le: 1000, count: 45 },
    { le: 10_000, count: 4 },
    { le: null, count: 1 },
  ];
  it("answers the upper bound of the bucket where the running count reaches the quantile", () => {
    expect(histogramQuantile(buckets, 0.5, 99_999)).toBe(100);
    expect(histogramQuantile(buckets, 0.51, 99_999)).toBe(1000);
    expect(histogramQuantile(buckets, 0.95, 99_999)).toBe(1000);
    expect(histogramQuantile(buckets, 0.96, 99_999)).toBe(10_000);
  });
  it("the unbounded bucket answers the overflow size; an empty histogram null", () => {
    expect(histogramQuantile(buckets, 1, 99_999)).toBe(99_999);
    expect(histogramQuantile([{ le: 10, count: 0 }], 0.5, 1)).toBeNull();
  });
});
