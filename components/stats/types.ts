/** Shapes of the stats answers as the pages read them (type-only: nothing of the server is bundled). */
export type { HistoryAnswer, ServerAnswer, StatsAnswer, Totals } from "@/lib/stats/report";
export type { HistoryPoint, WindowSummary } from "@/lib/stats/series";
export type { MemcachedExtra, SlabClassStats } from "@/lib/memcached/stats";
export type { KeyspaceDb } from "@/lib/backends/redis/info";

/** The Redis extras of one server (lib/backends/redis/info.ts infoToStats). */
export interface RedisExtra {
  db: number;
  maxmemory_policy: string | null;
  mem_fragmentation_ratio: number | null;
  used_memory_rss: number | null;
  used_memory_peak: number | null;
  connected_clients: number | null;
  total_commands_processed: number | null;
  keyspace: Record<string, { keys: number; expires: number; avgTtlMs: number }>;
}
