import { describe, expect, it } from "vitest";
import { squarify } from "./treemap-layout";

describe("squarify", () => {
  const bounds = { x: 0, y: 0, w: 600, h: 400 };

  it("gives each tile an area proportional to its value, inside the bounds, without overlap", () => {
    const values = [6, 6, 4, 3, 2, 2, 1];
    const tiles = squarify(
      values.map((v, i) => ({ item: i, value: v })),
      bounds,
    );
    expect(tiles.length).toBe(values.length);
    const total = values.reduce((a, b) => a + b, 0);
    for (const t of tiles) {
      expect(t.w * t.h).toBeCloseTo((t.value / total) * 600 * 400, 6);
      expect(t.x).toBeGreaterThanOrEqual(-1e-9);
      expect(t.y).toBeGreaterThanOrEqual(-1e-9);
      expect(t.x + t.w).toBeLessThanOrEqual(600 + 1e-9);
      expect(t.y + t.h).toBeLessThanOrEqual(400 + 1e-9);
    }
    for (const a of tiles) {
      for (const b of tiles) {
        if (a === b) continue;
        const overlapW = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
        const overlapH = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
        expect(overlapW <= 1e-9 || overlapH <= 1e-9).toBe(true);
      }
    }
  });

  it("keeps tiles close to square (the point of squarifying)", () => {
    const tiles = squarify(
      Array.from({ length: 20 }, (_, i) => ({ item: i, value: 1 })),
      bounds,
    );
    for (const t of tiles) expect(Math.max(t.w / t.h, t.h / t.w)).toBeLessThan(3);
  });

  it("drops empty items and answers nothing for nothing", () => {
    expect(squarify([{ item: "a", value: 0 }], bounds)).toEqual([]);
    expect(squarify([], bounds)).toEqual([]);
    expect(
      squarify(
        [
          { item: "a", value: 5 },
          { item: "b", value: 0 },
        ],
        bounds,
      ).map((t) => t.item),
    ).toEqual(["a"]);
  });
});
