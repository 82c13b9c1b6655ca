import { describe, expect, it } from "vitest";
import { sparklineDot, sparklinePath } from "./sparkline-path";

describe("sparklinePath", () => {
  it("scales into the box, 1.0 at the top", () => {
    expect(
      sparklinePath(
        [
          { t: 0, v: 1 },
          { t: 10, v: 0 },
        ],
        0,
        10,
        1,
        100,
        20,
      ),
    ).toBe("M0.0,0.0 L100.0,20.0");
  });
  it("breaks the line at a gap", () => {
    const d = sparklinePath(
      [
        { t: 0, v: 0.5 },
        { t: 5, v: null },
        { t: 10, v: 0.5 },
      ],
      0,
      10,
      1,
      100,
      20,
    );
    expect(d).toBe("M0.0,10.0 M100.0,10.0");
  });
  it("draws nothing for an empty span", () => {
    expect(sparklinePath([{ t: 0, v: 1 }], 5, 5, 1, 100, 20)).toBe("");
  });
});

describe("sparklineDot", () => {
  it("marks the newest value, and nothing after a gap", () => {
    expect(
      sparklineDot(
        [
          { t: 0, v: 0 },
          { t: 10, v: 0.5 },
        ],
        0,
        10,
        1,
        100,
        20,
      ),
    ).toEqual({ x: 100, y: 10 });
    expect(
      sparklineDot(
        [
          { t: 0, v: 0.5 },
          { t: 10, v: null },
        ],
        0,
        10,
        1,
        100,
        20,
      ),
    ).toBeNull();
    expect(sparklineDot([], 0, 10, 1, 100, 20)).toBeNull();
  });
});
