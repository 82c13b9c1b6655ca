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

/** A chart column: null breaks the line (a reset, an outage); undefined is a point uPlot draws the line across. */
export type Column = (number | null | undefined)[];

/** Columns for a chart: x in seconds (uPlot's unit), one array per field. */
export function columns(points: HistoryPoint[], fields: ((p: HistoryPoint) => number | null | undefined)[]): [number[], ...Column[]] {
  const xs = points.map((p) => p.t / 1000);
  return [xs, ...fields.map((f) => points.map(f))];
}

/**
 * The hit ratio of a point for a chart: an idle interval (no lookups: no ratio) is drawn across, while a point
 * without an interval (a new series, an outage) breaks the line.
 */
export function ratioValue(p: HistoryPoint): number | null | undefined {
  if (p.hitRatio !== null) return p.hitRatio;
  return p.hits !== null && p.misses !== null ? undefined : null;
}
