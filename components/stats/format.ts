/** Number formats of the stats pages. Pure. */

export function formatRatio(r: number | null | undefined): string {
  if (r === null || r === undefined) return "—";
  return `${(r * 100).toFixed(r >= 0.9995 || r === 0 ? 0 : 1)}%`;
}

export function formatRate(perSec: number | null | undefined): string {
  if (perSec === null || perSec === undefined) return "—";
  if (perSec === 0) return "0/s";
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(1)}M/s`;
  if (perSec >= 1e4) return `${(perSec / 1e3).toFixed(1)}k/s`;
  if (perSec >= 100) return `${Math.round(perSec)}/s`;
  if (perSec >= 1) return `${perSec.toFixed(1)}/s`;
  return `${perSec.toFixed(2)}/s`;
}

/** "3m 20s" since then; "just now" under a second. */
export function formatSince(since: number, now: number): string {
  const s = Math.max(0, Math.round((now - since) / 1000));
  if (s < 1) return "just now";
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** Share of a limit, 0..1, or null when there is no limit. */
export function usedShare(bytes: number | null | undefined, maxBytes: number | null | undefined): number | null {
  if (bytes === null || bytes === undefined || !maxBytes) return null;
  return bytes / maxBytes;
}

/** The ranges the stats page offers, in the query string as ?range=. */
export const RANGES = { "5m": 300, "15m": 900, "1h": 3600 } as const;
export type RangeName = keyof typeof RANGES;

export function parseRange(value: string | null): RangeName {
  return value !== null && value in RANGES ? (value as RangeName) : "15m";
}
