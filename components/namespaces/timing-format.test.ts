import { describe, expect, it } from "vitest";
import { formatMs, formatPercentiles, formatSaved, formatWork } from "./timing-format";

describe("timing formats", () => {
  it("words durations, work and savings the way the tab shows them", () => {
    expect([formatMs(0.042), formatMs(1.234), formatMs(41), formatMs(3200), formatMs(null)]).toEqual([
      "42 µs",
      "1.2 ms",
      "41 ms",
      "3.2 s",
      "—",
    ]);
    expect([formatWork(3.2), formatWork(0.0413), formatWork(0), formatWork(12.4), formatWork(2e-7)]).toEqual([
      "3.2 CPU-s/s",
      "0.041 CPU-s/s",
      "0 CPU-s/s",
      "12 CPU-s/s",
      "< 0.001 CPU-s/s",
    ]);
    expect(formatSaved({ costPerMissMs: 41, hitsPerSecond: 78, savedSecondsPerSecond: 3.2 })).toBe("saves 41 ms per hit, 3.2 CPU-s/s");
    expect(formatSaved({ costPerMissMs: null, hitsPerSecond: 78, savedSecondsPerSecond: null })).toBe("recompute cost unknown");
    expect(formatPercentiles({ count: 0, p50Ms: null, p95Ms: null, p99Ms: null, buckets: [] })).toBe("—");
    expect(formatPercentiles({ count: 3, p50Ms: 0.1, p95Ms: 2, p99Ms: 4.9, buckets: [] })).toBe("p50 100 µs · p95 2.0 ms · p99 4.9 ms");
  });
});
