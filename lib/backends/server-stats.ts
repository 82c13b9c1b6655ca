import type { CacheBackend, ServerStats } from "@/lib/backends/types";

/** The stats row of a server that did not answer: every counter unknown, the error said. */
export function downServerStats(server: string, error: string): ServerStats {
  return {
    server,
    ok: false,
    error,
    hits: null,
    misses: null,
    items: null,
    bytes: null,
    maxBytes: null,
    evictions: null,
    expirations: null,
    uptimeSeconds: null,
    version: null,
  };
}

/**
 * How many keys the cache holds by its servers' counters (Redis DBSIZE of its db, memcached curr_items summed), for
 * progress bars; null when a server is down or the backend keeps no counters.
 */
export async function itemCount(backend: CacheBackend): Promise<number | null> {
  if (!backend.capabilities.serverStats) return null;
  try {
    const snap = await backend.stats();
    const counts = snap.servers.map((s) => (s.ok ? s.items : null));
    if (counts.length === 0 || counts.some((c) => c === null)) return null;
    return counts.reduce<number>((a, c) => a + (c ?? 0), 0);
  } catch {
    return null;
  }
}
