/** How the Compare page writes rates, ratios and its log axis (durations: formatMs of the Namespaces tab). */

export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return "—";
  if (perSecond >= 10_000) return `${Math.round(perSecond / 1000)}k/s`;
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k/s`;
  return `${Math.round(perSecond)}/s`;
}

/** b relative to a ("×1.8 slower", "×0.5"): how a second run compares with the first; null when either is missing. */
export function ratio(a: number | null | undefined, b: number | null | undefined): string | null {
  if (a === null || a === undefined || b === null || b === undefined || a <= 0 || b <= 0) return null;
  return `×${(b / a).toFixed(2)}`;
}

/**
 * Where a value falls on a log scale from lo to hi, 0..1 (latencies span µs to seconds: a linear axis would show
 * only the slowest). Values outside are clamped.
 */
export function logPosition(value: number, lo: number, hi: number): number {
  if (!(value > 0) || !(lo > 0) || !(hi > lo)) return 0;
  const at = (Math.log10(value) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
  return Math.min(1, Math.max(0, at));
}

/** A log axis that holds every value: from the decade at or below the smallest to the decade at or above the largest. */
export function logDomain(values: readonly number[]): { lo: number; hi: number } {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return { lo: 0.01, hi: 10 };
  const lo = 10 ** Math.floor(Math.log10(Math.min(...positive)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...positive)));
  return { lo, hi: hi > lo ? hi : lo * 10 };
}
