import type { LatencySummary, Saved } from "@/lib/namespaces/timing";

/** How the Namespaces tab and the home page word latency and time saved. Pure. */

/** 0.042 → "42 µs", 1.234 → "1.2 ms", 41 → "41 ms", 3200 → "3.2 s"; null → "—". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Seconds of work per second: "3.2 CPU-s/s", "0.041 CPU-s/s". */
export function formatWork(secondsPerSecond: number): string {
  if (secondsPerSecond === 0) return "0 CPU-s/s";
  if (secondsPerSecond < 0.001) return "< 0.001 CPU-s/s";
  if (secondsPerSecond >= 10) return `${Math.round(secondsPerSecond)} CPU-s/s`;
  return `${Number(secondsPerSecond.toPrecision(2))} CPU-s/s`;
}

/** "p50 0.1 ms · p95 2.0 ms · p99 4.9 ms", or "—" without calls. */
export function formatPercentiles(l: LatencySummary | undefined): string {
  if (!l || l.count === 0) return "—";
  return `p50 ${formatMs(l.p50Ms)} · p95 ${formatMs(l.p95Ms)} · p99 ${formatMs(l.p99Ms)}`;
}

/** "saves 41 ms per hit, 3.2 CPU-s/s"; unknown costs are said to be unknown, never guessed. */
export function formatSaved(s: Saved): string {
  if (s.costPerMissMs === null || s.savedSecondsPerSecond === null) return "recompute cost unknown";
  return `saves ${formatMs(s.costPerMissMs)} per hit, ${formatWork(s.savedSecondsPerSecond)}`;
}
