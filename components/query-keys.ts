/**
 * Every react-query key the pages use, built in one place: a query and the invalidation meant for it cannot drift apart.
 * Keys nest (cache(alias) is a prefix of nothing else; jobs(alias) covers every poll of that cache's jobs).
 */

/** The browser's listing filters, as the URL holds them. */
export interface KeyFilters {
  prefix: string;
  allVersions: boolean;
  raw: boolean;
  cursor: string | null;
  sort: string | null;
  /** Only entries that never expire (noExpiry=1). */
  noExpiry: boolean;
}

export const queryKeys = {
  caches: () => ["caches"] as const,
  cache: (alias: string) => ["cache", alias] as const,
  keys: (alias: string, filters: KeyFilters) => ["keys", alias, filters] as const,
  entry: (alias: string, query: string) => ["entry", alias, query] as const,
  health: (alias: string) => ["health", alias] as const,
  serverHealth: (alias: string) => ["server-health", alias] as const,
  stats: (alias: string, windowSeconds: number) => ["stats", alias, windowSeconds] as const,
  statsHistory: (alias: string, server: string | null, seconds: number) => ["stats-history", alias, server ?? "", seconds] as const,
  namespaces: (alias: string, windowSeconds: number) => ["namespaces", alias, windowSeconds] as const,
  namespacesHistory: (alias: string, seconds: number) => ["namespaces-history", alias, seconds] as const,
  jobs: (alias: string) => ["jobs", alias] as const,
  job: (id: string | null) => ["job", id] as const,
  analysis: (alias: string) => ["analysis", alias] as const,
  compare: (windowSeconds: number) => ["compare", windowSeconds] as const,
  audit: (query: string) => ["audit", query] as const,
};
