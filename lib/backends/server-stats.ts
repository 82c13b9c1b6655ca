import type { ServerStats } from "./types";

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
