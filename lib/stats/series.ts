import type { ServerStats } from "@/lib/backends/types";

/**
 * Pure arithmetic of the live stats: per-interval counts from two samples of lifetime counters, resets, sums over
 * the servers of a pool, windows and rates. Nothing here does I/O or reads the clock.
 */

/** Why a point starts a new series (it then has no interval values: there is nothing to subtract from). */
export type NewSeries =
  /** The first sample of this server seen by this process. */
  | "first"
  /** The previous sample failed: counts across the gap are not trusted (the server may have restarted unseen). */
  | "after-error"
  /** Uptime went down: the server restarted. */
  | "restart"
  /** A counter went down without a restart: CONFIG RESETSTAT, memcached "stats reset". */
  | "counter-reset";

/** The lifetime counters a delta is taken of. */
export interface Counters {
  hits: number | null;
  misses: number | null;
  evictions: number | null;
  expirations: number | null;
  uptimeSeconds: number | null;
}

/** The last good sample of one server, kept to subtract the next one from. */
export interface Baseline {
  t: number;
  counters: Counters;
}

/** What happened in one interval, or at one level, on one server (or summed over a pool). */
export interface IntervalValues {
  hits: number | null;
  misses: number | null;
  evictions: number | null;
  expirations: number | null;
}

export interface ServerPoint extends IntervalValues {
  t: number;
  ok: boolean;
  error?: string;
  /** Length of the interval ending at t; null on the first point of a series. */
  intervalMs: number | null;
  newSeries?: NewSeries;
  items: number | null;
  bytes: number | null;
  maxBytes: number | null;
}

export interface CachePoint extends IntervalValues {
  t: number;
  serversUp: number;
  serversDown: number;
  intervalMs: number | null;
  /** Set when no server contributed an interval (every server starts afresh here). */
  newSeries?: NewSeries;
  items: number | null;
  bytes: number | null;
  /** Summed limits; null when some server has none (Redis maxmemory 0: bounded by the machine only). */
  maxBytes: number | null;
}

const COUNTERS = ["hits", "misses", "evictions", "expirations"] as const;

export function countersOf(s: ServerStats): Counters {
  return {
    hits: s.hits,
    misses: s.misses,
    evictions: s.evictions,
    expirations: s.expirations ?? null,
    uptimeSeconds: s.uptimeSeconds,
  };
}

/** Why curr cannot be subtracted from prev, or null when it can. */
export function seriesBreak(prev: Baseline | null, curr: Counters, t: number): NewSeries | null {
  if (prev === null) return "first";
  // Our clock went backwards or two samples share a time: no interval to divide by.
  if (t <= prev.t) return "first";
  const up0 = prev.counters.uptimeSeconds;
  const up1 = curr.uptimeSeconds;
  if (up0 !== null && up1 !== null && up1 < up0) return "restart";
  for (const name of COUNTERS) {
    const a = prev.counters[name];
    const b = curr[name];
    if (a !== null && b !== null && b < a) return "counter-reset";
  }
  return null;
}

function diff(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : b - a;
}

/**
 * One server's point for a sample taken at t. prevOk says whether the previous sample of this server succeeded: a
 * baseline older than a failed sample is not subtracted from (the server may have restarted and caught up unseen).
 */
export function serverPoint(stats: ServerStats, t: number, baseline: Baseline | null, prevOk: boolean): ServerPoint {
  if (!stats.ok) {
    return {
      t,
      ok: false,
      ...(stats.error ? { error: stats.error } : {}),
      intervalMs: null,
      hits: null,
      misses: null,
      evictions: null,
      expirations: null,
      items: null,
      bytes: null,
      maxBytes: null,
    };
  }
  const counters = countersOf(stats);
  const levels = { items: stats.items, bytes: stats.bytes, maxBytes: stats.maxBytes };
  const broken = baseline !== null && !prevOk ? "after-error" : seriesBreak(baseline, counters, t);
  if (broken !== null || baseline === null) {
    return {
      t,
      ok: true,
      intervalMs: null,
      newSeries: broken ?? "first",
      hits: null,
      misses: null,
      evictions: null,
      expirations: null,
      ...levels,
    };
  }
  const prev = baseline.counters;
  return {
    t,
    ok: true,
    intervalMs: t - baseline.t,
    hits: diff(prev.hits, counters.hits),
    misses: diff(prev.misses, counters.misses),
    evictions: diff(prev.evictions, counters.evictions),
    expirations: diff(prev.expirations, counters.expirations),
    ...levels,
  };
}

function sum(values: (number | null)[]): number | null {
  let total: number | null = null;
  for (const v of values) if (v !== null) total = (total ?? 0) + v;
  return total;
}

/** The pool's point at t: interval counts summed over the servers that have an interval, levels over the servers up. */
export function cachePoint(t: number, points: ServerPoint[]): CachePoint {
  const up = points.filter((p) => p.ok);
  const withInterval = up.filter((p) => p.intervalMs !== null);
  const intervalMs = withInterval.length ? Math.max(...withInterval.map((p) => p.intervalMs as number)) : null;
  const firstBreak = up.find((p) => p.newSeries)?.newSeries;
  return {
    t,
    serversUp: up.length,
    serversDown: points.length - up.length,
    intervalMs,
    ...(intervalMs === null && up.length > 0 ? { newSeries: firstBreak ?? "first" } : {}),
    hits: sum(withInterval.map((p) => p.hits)),
    misses: sum(withInterval.map((p) => p.misses)),
    evictions: sum(withInterval.map((p) => p.evictions)),
    expirations: sum(withInterval.map((p) => p.expirations)),
    items: sum(up.map((p) => p.items)),
    bytes: sum(up.map((p) => p.bytes)),
    maxBytes: up.length > 0 && up.every((p) => p.maxBytes !== null) ? sum(up.map((p) => p.maxBytes)) : null,
  };
}

export function ratio(hits: number | null, misses: number | null): number | null {
  if (hits === null || misses === null || hits + misses === 0) return null;
  return hits / (hits + misses);
}

export function perSecond(count: number | null, intervalMs: number | null): number | null {
  if (count === null || intervalMs === null || intervalMs <= 0) return null;
  return count / (intervalMs / 1000);
}

/** A point as /stats/history serves it. */
export interface HistoryPoint {
  t: number;
  /** Lookups in the interval that ended at t (not lifetime); null on the first point of a series or while down. */
  hits: number | null;
  misses: number | null;
  hitRatio: number | null;
  /** Lookups (hits + misses) per second over the interval. */
  opsPerSec: number | null;
  evictions: number | null;
  expirations: number | null;
  evictionsPerSec: number | null;
  expirationsPerSec: number | null;
  items: number | null;
  bytes: number | null;
  maxBytes: number | null;
  intervalMs: number | null;
  up: boolean;
  newSeries?: NewSeries;
}

type AnyPoint = ServerPoint | CachePoint;

function isUp(p: AnyPoint): boolean {
  return "ok" in p ? p.ok : p.serversUp > 0;
}

export function historyPoint(p: AnyPoint): HistoryPoint {
  const ops = p.hits !== null && p.misses !== null ? p.hits + p.misses : null;
  return {
    t: p.t,
    hits: p.hits,
    misses: p.misses,
    hitRatio: ratio(p.hits, p.misses),
    opsPerSec: perSecond(ops, p.intervalMs),
    evictions: p.evictions,
    expirations: p.expirations,
    evictionsPerSec: perSecond(p.evictions, p.intervalMs),
    expirationsPerSec: perSecond(p.expirations, p.intervalMs),
    items: p.items,
    bytes: p.bytes,
    maxBytes: p.maxBytes,
    intervalMs: p.intervalMs,
    up: isUp(p),
    ...(p.newSeries ? { newSeries: p.newSeries } : {}),
  };
}

export interface WindowSummary {
  /** The window asked for. */
  seconds: number;
  /** How much of it the counted intervals cover (less while collecting, or after a reset or an outage). */
  coveredSeconds: number;
  hits: number;
  misses: number;
  hitRatio: number | null;
  opsPerSec: number;
  evictions: number | null;
  evictionsPerSec: number | null;
  expirations: number | null;
  expirationsPerSec: number | null;
}

/** What a window sums: any point with interval counts (server, pool, or a history point in the browser). */
export type WindowPoint = IntervalValues & { t: number; intervalMs: number | null };

/**
 * Sums the intervals that end within `seconds` before endT. null when no interval is there yet (collecting, or every
 * server down or restarted in the window): a window of nothing has no ratio.
 */
export function windowSummary(points: WindowPoint[], seconds: number, endT: number): WindowSummary | null {
  const from = endT - seconds * 1000;
  const inWindow = points.filter((p) => p.t > from && p.t <= endT && p.intervalMs !== null && p.hits !== null && p.misses !== null);
  if (inWindow.length === 0) return null;
  const covered = inWindow.reduce((a, p) => a + (p.intervalMs as number), 0);
  const hits = inWindow.reduce((a, p) => a + (p.hits as number), 0);
  const misses = inWindow.reduce((a, p) => a + (p.misses as number), 0);
  const rated = (name: "evictions" | "expirations") => {
    const have = inWindow.filter((p) => p[name] !== null);
    if (have.length === 0) return { count: null, rate: null };
    const count = have.reduce((a, p) => a + (p[name] as number), 0);
    return {
      count,
      rate: perSecond(
        count,
        have.reduce((a, p) => a + (p.intervalMs as number), 0),
      ),
    };
  };
  const ev = rated("evictions");
  const ex = rated("expirations");
  return {
    seconds,
    coveredSeconds: covered / 1000,
    hits,
    misses,
    hitRatio: ratio(hits, misses),
    opsPerSec: (hits + misses) / (covered / 1000),
    evictions: ev.count,
    evictionsPerSec: ev.rate,
    expirations: ex.count,
    expirationsPerSec: ex.rate,
  };
}
