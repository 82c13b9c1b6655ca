import { describe, expect, it } from "vitest";
import { MAX_SCAN_COUNT, firstScanCount, nextScanCount, ttlSeconds } from "./scan";

describe("SCAN COUNT sizing", () => {
  it("asks for the rows wanted when every key matches", () => {
    expect(firstScanCount("", 100)).toBe(100);
  });

  it("starts wide for a prefix and sizes the next call from the density seen so far", () => {
    expect(firstScanCount(":1:app.", 100)).toBe(1_000);
    // 50 matches in 1000 keys = 5%: 50 more rows need ~1000 keys, plus a margin.
    expect(nextScanCount(1_000, 50, 1_000, 50)).toBe(1_250);
    // 1%: 90 more rows need ~9000 keys; the margin would pass the cap.
    expect(nextScanCount(1_000, 10, 1_000, 90)).toBe(MAX_SCAN_COUNT);
    // Nearly there after a big call: the last call is small, not another full one.
    expect(nextScanCount(11_000, 90, 10_000, 10)).toBe(1_528);
    expect(nextScanCount(1_000, 0, 1_000, 100)).toBe(4_000);
  });

  it("never passes the cap and never asks for fewer keys than rows still wanted", () => {
    expect(nextScanCount(5_000, 4_999, 5_000, 1)).toBe(2);
    expect(nextScanCount(100, 100, 100, 300)).toBe(375);
    expect(nextScanCount(10_000, 0, MAX_SCAN_COUNT, 100)).toBe(MAX_SCAN_COUNT);
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
