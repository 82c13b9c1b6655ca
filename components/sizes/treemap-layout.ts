/**
 * Squarified treemap layout (Bruls, Huizing, van Wijk 2000): tiles with areas proportional to their values and
 * aspect ratios close to 1, laid out row by row along the shorter side of what is left.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Tile<T> extends Rect {
  item: T;
  value: number;
}

/** The worst aspect ratio of a row of areas laid along a side of length `side`. */
function worst(areas: number[], side: number): number {
  const sum = areas.reduce((a, b) => a + b, 0);
  const max = Math.max(...areas);
  const min = Math.min(...areas);
  const s2 = sum * sum;
  const w2 = side * side;
  return Math.max((w2 * max) / s2, s2 / (w2 * min));
}

export function squarify<T>(items: { item: T; value: number }[], bounds: Rect): Tile<T>[] {
  const kept = items.filter((i) => i.value > 0).sort((a, b) => b.value - a.value);
  const total = kept.reduce((a, i) => a + i.value, 0);
  if (total === 0 || bounds.w <= 0 || bounds.h <= 0) return [];
  const scale = (bounds.w * bounds.h) / total;
  const tiles: Tile<T>[] = [];
  const free: Rect = { ...bounds };
  let row: { item: T; value: number; area: number }[] = [];

  const place = () => {
    const sum = row.reduce((a, r) => a + r.area, 0);
    if (free.w >= free.h) {
      // A column at the left of the free space.
      const width = free.h > 0 ? sum / free.h : 0;
      let y = free.y;
      for (const r of row) {
        const h = width > 0 ? r.area / width : 0;
        tiles.push({ item: r.item, value: r.value, x: free.x, y, w: width, h });
        y += h;
      }
      free.x += width;
      free.w -= width;
    } else {
      // A row along the top.
      const height = free.w > 0 ? sum / free.w : 0;
      let x = free.x;
      for (const r of row) {
        const w = height > 0 ? r.area / height : 0;
        tiles.push({ item: r.item, value: r.value, x, y: free.y, w, h: height });
        x += w;
      }
      free.y += height;
      free.h -= height;
    }
    row = [];
  };

  for (const i of kept) {
    const next = { ...i, area: i.value * scale };
    const side = Math.min(free.w, free.h);
    if (
      row.length > 0 &&
      worst([...row.map((r) => r.area), next.area], side) >
        worst(
          row.map((r) => r.area),
          side,
        )
    )
      place();
    row.push(next);
  }
  if (row.length > 0) place();
  return tiles;
}
