import { describe, expect, it } from "vitest";
import { MAX_SCAN_COUNT, firstScanCount, nextScanCount, ttlSeconds } from "./scan";

describe("SCAN COUNT sizing", () => {
  it("asks for the rows wanted when every key matches", () => {
    expect(firstScanCount("", 100)).toBe(100);
  });

  it("starts wide for a prefix and grows from the density seen", () => {
    expect(firstScanCount(":1:app.", 100)).toBe(1_000);
    // 10 matches in 1000 = 1%: 90 more rows need ~9000 keys, plus a margin.
    expect(nextScanCount(1_000, 10, 90)).toBe(MAX_SCAN_COUNT);
    expect(nextScanCount(1_000, 50, 50)).toBe(1_250);
    expect(nextScanCount(1_000, 0, 100)).toBe(4_000);
  });

  it("never shrinks and never passes the cap", () => {
    expect(nextScanCount(5_000, 4_000, 1)).toBe(5_000);
    expect(nextScanCount(MAX_SCAN_COUNT, 0, 100)).toBe(MAX_SCAN_COUNT);
    expect(firstScanCount("", 50_000)).toBe(MAX_SCAN_COUNT);
  });
});

describe("ttlSeconds", () => {
  it("maps PTTL replies", () => {
    expect(ttlSeconds(-1)).toBeNull();
    expect(ttlSeconds(-2)).toBeUndefined();
    expect(ttlSeconds(300)).toBe(1);
    expect(ttlSeconds(60_000)).toBe(60);
  });
});
