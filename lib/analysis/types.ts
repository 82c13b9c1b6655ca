import type { DjangoKind } from "@/lib/django/keys";
import type { ColdBasisKind } from "@/lib/backends/types";
import type { NamespaceNode } from "@/lib/django/namespaces";

/** Job.result of an analysis (shared/API.md Sizes), plus a few additive fields the page uses. */

export interface KeysBytes {
  keys: number;
  bytes: number;
}

export interface KindRow {
  kind: DjangoKind;
  keys: number;
  bytes: number;
  /** Cold entries of the kind, by the analysis's cold basis (cold.note); absent where it has none. */
  cold?: KeysBytes;
}

export interface VersionRow {
  /** null: keys that do not follow the alias's "{KEY_PREFIX}:{VERSION}:" layout. */
  version: number | null;
  keys: number;
  bytes: number;
  /** True for the alias's own VERSION: the only keys Django reads. */
  current: boolean;
}

/** Keys and bytes per server that listed them (Redis Cluster primaries, shards, pool servers): an unbalanced node shows. */
export interface ServerRow {
  server: string;
  keys: number;
  bytes: number;
}

export interface GroupRow {
  kind: "fragment" | "series";
  /** Fragment name, or the series pattern with its trailing number as "#" ("report:chunk:#"). */
  name: string;
  keys: number;
  bytes: number;
  /** Django key prefix selecting the group's keys (fragments: "template.cache.{name}."; series: the part before the number). */
  prefix: string;
  /** A few member keys. */
  examples: string[];
  /** Cold members, by the analysis's cold basis; absent where it has none. */
  cold?: KeysBytes;
}

export interface TopRow {
  raw: string | null;
  key: string | null;
  size: number;
  /** FileBasedCache: the entry's file (no key is stored in it). */
  file?: string;
  ttl?: number | null;
}

export interface HistogramBucket {
  /** Upper bound (inclusive): bytes for sizes, seconds for TTLs; null = no bound (the overflow bucket). */
  le: number | null;
  count: number;
}

/** One top-level namespace's cold figures; null where the basis cannot tell. */
export interface ColdNamespace {
  name: string;
  /** The Django key prefix of the namespace ("reports:"); "" for keys without one and for "(other)". */
  prefix: string;
  keys: number;
  bytes: number;
  neverRead: KeysBytes | null;
  idleOver1h: KeysBytes | null;
  idleOver24h: KeysBytes | null;
  noExpiry: KeysBytes;
  /** Never expiring and idle over a day; absent where the basis cannot tell idle days. */
  staleNoExpiry?: KeysBytes;
}

export interface ColdTopRow extends TopRow {
  /** Seconds since last access; null where the basis has none (LFU). */
  idleSeconds: number | null;
  freq?: number;
  fetched?: boolean;
}

/** shared/API.md issue #18: what is cached and not read. */
export interface ColdFigures {
  basis: ColdBasisKind | null;
  note: string;
  namespaces: ColdNamespace[];
  /** The biggest cold entries (never read; idle past the basis's threshold; LFU counter 0). */
  top: ColdTopRow[];
  /** Idle seconds, or LFU counters ("lfu"), of every entry walked; null where the basis has neither. */
  histogram: { unit: "seconds" | "lfu"; buckets: HistogramBucket[] } | null;
}

export type WarningCode =
  | "sampled"
  | "old_versions"
  | "no_ttl"
  | "near_item_limit"
  | "large_values"
  | "max_entries"
  | "foreign_keys"
  | "size_unknown"
  | "groups_incomplete"
  | "partial"
  | "never_read"
  | "idle_no_expiry"
  | "cold_unavailable";

export interface AnalysisWarning {
  code: WarningCode;
  message: string;
  /** A few keys behind the warning (raw keys, or file names for FileBasedCache). */
  examples?: string[];
  keys?: number;
  bytes?: number;
}

/** The figures aggregated from the rows walked (or sampled). */
export interface Aggregated {
  keys: number;
  bytes: number;
  byKind: KindRow[];
  byVersion: VersionRow[];
  /** The tree of Django keys after "{KEY_PREFIX}:{VERSION}:" (all versions together). */
  namespaces: NamespaceNode;
  groups: GroupRow[];
  top: TopRow[];
  sizeHistogram: HistogramBucket[];
  ttlHistogram: HistogramBucket[];
  noTtl: number;
  cold: ColdFigures;
  /** Warnings drawn from the rows (the analysis adds the ones about the cache as a whole). */
  warnings: AnalysisWarning[];
  /** Only when the rows came from more than one server. */
  byServer?: ServerRow[];
}

export interface AnalysisResult extends Aggregated {
  sampled: boolean;
  /** Sampled: how many distinct keys the figures were computed from. */
  sampleSize?: number;
  /** The alias's layout, so the page can build key-browser links and purge targets. */
  keyPrefix: string;
  version: number;
  /** Whether the keys carry names (FileBasedCache lists files by hash only). */
  namedKeys: boolean;
  durationMs: number;
}
