import { describe, expect, it } from "vitest";
import { formatRate, formatRatio, formatSince, parseRange, usedShare } from "./format";

describe("stats formats", () => {
  it("formats ratios as percentages, with a dash for none", () => {
    expect(formatRatio(null)).toBe("—");
    expect(formatRatio(0.75)).toBe("75.0%");
    expect(formatRatio(1)).toBe("100%");
    expect(formatRatio(0)).toBe("0%");
  });
  it("formats rates by magnitude", () => {
    expect(formatRate(0)).toBe("0/s");
    expect(formatRate(0.25)).toBe("0.25/s");
    expect(formatRate(15)).toBe("15.0/s");
    expect(formatRate(250)).toBe("250/s");
    expect(formatRate(25_000)).toBe("25.0k/s");
  });
  it("says how long ago", () => {
    expect(formatSince(1000, 1200)).toBe("just now");
    expect(formatSince(0, 200_000)).toBe("3m 20s");
    expect(formatSince(0, 3_660_000)).toBe("1h 1m");
  });
  it("has no share without a limit", () => {
    expect(usedShare(10, null)).toBeNull();
    expect(usedShare(10, 40)).toBe(0.25);
  });
  it("reads the range from the query string, defaulting to 15 minutes", () => {
    expect(parseRange("1h")).toBe("1h");
    expect(parseRange("2d")).toBe("15m");
    expect(parseRange(null)).toBe("15m");
  });
});
