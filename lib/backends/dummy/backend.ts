import type { CacheConfig } from "@/lib/config/types";
import type { CacheBackend, KeyPage, StatsSnapshot } from "../types";

/** Django's DummyCache: implements the cache API and stores nothing, so there is nothing to list, read or count. */
export function createDummyBackend(config: CacheConfig): CacheBackend {
  return {
    config,
    capabilities: { listKeys: false, invalidatePrefix: false, serverStats: false, ttl: false, sizes: false },
    async status() {
      return { ok: true, latencyMs: 0 };
    },
    async listKeys(): Promise<KeyPage> {
      return { keys: [], cursor: null, scanned: 0 };
    },
    async readEntry() {
      return null;
    },
    async deleteEntries() {
      return 0;
    },
    async deleteListed() {
      return 0;
    },
    async *iterate() {
      // Nothing is ever stored: no batches.
    },
    async stats(): Promise<StatsSnapshot> {
      return {
        at: Date.now(),
        supported: false,
        reason: "DummyCache stores nothing: every get is a miss",
        serverWide: false,
        servers: [],
      };
    },
    async close() {},
  };
}
