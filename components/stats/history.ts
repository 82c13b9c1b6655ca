import type { HistoryPoint } from "./types";

/**
 * Appends the points a `since=` request returned to those held, and drops what fell out of the range. Pure: the
 * live charts ask only for what is new every 2 s instead of an hour of points.
 */
export function mergeHistory(held: HistoryPoint[], incoming: HistoryPoint[], seconds: number): HistoryPoint[] {
  const lastHeld = held.length ? held[held.length - 1].t : -Infinity;
  const fresh = incoming.filter((p) => p.t > lastHeld);
  const all = fresh.length ? held.concat(fresh) : held;
  if (all.length === 0) return all;
  const from = all[all.length - 1].t - seconds * 1000;
  let start = 0;
  while (start < all.length && all[start].t <= from) start++;
  return start === 0 ? all : all.slice(start);
}

/** Columns for a chart: x in seconds (uPlot's unit), one array per field. */
export function columns(points: HistoryPoint[], fields: ((p: HistoryPoint) => number | null)[]): [number[], ...(number | null)[][]] {
  const xs = points.map((p) => p.t / 1000);
  return [xs, ...fields.map((f) => points.map(f))];
}
