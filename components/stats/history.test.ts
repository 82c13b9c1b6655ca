import { describe, expect, it } from "vitest";
import { columns, mergeHistory, ratioValue } from "./history";
import type { HistoryPoint } from "./types";

const pt = (t: number, hits: number | null = 1): HistoryPoint => ({
  t,
  hits,
  misses: 0,
  hitRatio: hits === null ? null : 1,
  opsPerSec: null,
  evictions: null,
  expirations: null,
  evictionsPerSec: null,
  expirationsPerSec: null,
  items: null,
  bytes: null,
  maxBytes: null,
  intervalMs: 2000,
  up: true,
});

describe("mergeHistory", () => {
  it("appends new points and ignores ones already held", () => {
    const merged = mergeHistory([pt(2000), pt(4000)], [pt(4000), pt(6000)], 3600);
    expect(merged.map((p) => p.t)).toEqual([2000, 4000, 6000]);
  });
  it("drops points that fell out of the range", () => {
    const merged = mergeHistory([pt(0), pt(2000), pt(4000)], [pt(6000)], 4);
    expect(merged.map((p) => p.t)).toEqual([4000, 6000]);
  });
  it("keeps the same array when nothing changed and nothing expired", () => {
    const held = [pt(2000)];
    expect(mergeHistory(held, [], 60)).toBe(held);
  });
});

describe("columns", () => {
  it("turns points into uPlot columns, x in seconds, nulls kept as gaps", () => {
    expect(columns([pt(2000), pt(4000, null)], [(p) => p.hits])).toEqual([
      [2, 4],
      [1, null],
    ]);
  });
});

describe("ratioValue", () => {
  it("draws across idle intervals and breaks at new series", () => {
    expect(ratioValue(pt(2000))).toBe(1);
    expect(ratioValue({ ...pt(2000, 0), hitRatio: null })).toBeUndefined();
    expect(ratioValue(pt(2000, null))).toBeNull();
  });
});
