import { describe, expect, it } from "vitest";
import { formatRate, logDomain, logPosition, ratio } from "./format";

describe("compare formatting", () => {
  it("rates", () => {
    expect(formatRate(950.4)).toBe("950/s");
    expect(formatRate(12_345)).toBe("12k/s");
    expect(formatRate(2_345)).toBe("2.3k/s");
    expect(formatRate(null)).toBe("—");
  });
  it("a second run against the first", () => {
    expect(ratio(2, 3)).toBe("×1.50");
    expect(ratio(0, 3)).toBeNull();
    expect(ratio(2, null)).toBeNull();
  });
  it("log axis: decades around the values, positions clamped", () => {
    expect(logDomain([0.042, 3.1])).toEqual({ lo: 0.01, hi: 10 });
    expect(logDomain([1])).toEqual({ lo: 1, hi: 10 });
    expect(logDomain([])).toEqual({ lo: 0.01, hi: 10 });
    expect(logPosition(1, 0.01, 100)).toBeCloseTo(0.5, 10);
    expect(logPosition(1000, 0.01, 100)).toBe(1);
    expect(logPosition(0, 0.01, 100)).toBe(0);
  });
});
