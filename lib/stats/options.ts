/** The sampler's settings from the environment, checked: a bad value is refused at start rather than half-used. */

export interface SamplerSettings {
  intervalMs: number;
  timeoutMs: number;
}

export const DEFAULT_INTERVAL_MS = 2000;
/**
 * Longer than the memcached client's own per-server request timeout (5 s), so in a pool one slow server is reported
 * by its backend as down while the others still count; shorter than Redis's default command timeout (10 s).
 */
export const DEFAULT_TIMEOUT_MS = 6000;
const MIN_INTERVAL_MS = 250;
const MAX_INTERVAL_MS = 60_000;

function readMs(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be a whole number of milliseconds from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

export function samplerSettings(env: Record<string, string | undefined>): SamplerSettings {
  return {
    intervalMs: readMs(
      env.CACHESCOPE_STATS_INTERVAL_MS,
      "CACHESCOPE_STATS_INTERVAL_MS",
      DEFAULT_INTERVAL_MS,
      MIN_INTERVAL_MS,
      MAX_INTERVAL_MS,
    ),
    timeoutMs: readMs(env.CACHESCOPE_STATS_TIMEOUT_MS, "CACHESCOPE_STATS_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 100, 120_000),
  };
}
