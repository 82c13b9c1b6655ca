import { describe, expect, it } from "vitest";
import type { AnalysisResult } from "@/lib/analysis/types";
import { MAX_PROBE_BYTES, MIN_PROBE_BYTES, sizesFromAnalysis, sizesOf } from "./sizes";

function analysis(buckets: { le: number | null; count: number }[], largest: number): AnalysisResult {
  return {
    keys: buckets.reduce((n, b) => n + b.count, 0),
    sizeHistogram: buckets,
    top: [{ raw: "k", key: "k", size: largest }],
    sampled: false,
  } as unknown as AnalysisResult;
}

describe("probe sizes", () => {
  it("from the last analysis: median and p95 are the bounds of the histogram buckets they fall in", () => {
    const sizes = sizesFromAnalysis(
      analysis(
        [
          { le: 512, count: 10 },
          { le: 1024, count: 60 },
          { le: 65_536, count: 29 },
          { le: null, count: 1 },
        ],
        3_000_000,
      ),
    );
    expect(sizes?.source).toBe("analysis");
    expect(sizes?.sizes).toEqual([
      { label: "median", bytes: 1024 },
      { label: "p95", bytes: 65_536 },
    ]);
  });
  it("an analysis of an empty cache gives nothing to size from", () => {
    expect(sizesFromAnalysis(analysis([{ le: 512, count: 0 }], 0))).toBeNull();
  });
  it("one size when median and p95 agree; each kept within the cache's item limit and the probe's bounds", () => {
    expect(sizesOf(800, 800)).toEqual([{ label: "median", bytes: 800 }]);
    expect(sizesOf(1, 100 * 1024 * 1024)).toEqual([
      { label: "median", bytes: MIN_PROBE_BYTES },
      { label: "p95", bytes: MAX_PROBE_BYTES },
    ]);
    // memcached's 1 MiB item limit, less room for its header and the key.
    expect(sizesOf(1000, 5_000_000, 1024 * 1024)[1].bytes).toBe(1024 * 1024 - 512);
  });
});
