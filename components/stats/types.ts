/** Shapes of the stats answers as the pages read them (type-only: nothing of the server is bundled). */
export type { HistoryAnswer, ServerAnswer, StatsAnswer, Totals } from "@/lib/stats/report";
export type { HistoryPoint, WindowSummary } from "@/lib/stats/series";
export type { MemcachedExtra, SlabClassStats } from "@/lib/backends/memcached/stats";
export type { KeyspaceDb, RedisExtra } from "@/lib/backends/redis/info";
