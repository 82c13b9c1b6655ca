import type { DecodeHint } from "@/lib/codecs/types";
import type { PyValue } from "@/lib/codecs/pyvalue";
import type { CacheConfig } from "@/lib/config/types";

/**
 * The backend interface: every page and route works through it. A new backend is one folder implementing it, with
 * one descriptor (descriptor.ts) listed in registry.ts. Errors are BackendErrors (errors.ts).
 */

export interface Capabilities {
  listKeys: boolean;
  invalidatePrefix: boolean;
  serverStats: boolean;
  ttl: boolean;
  sizes: boolean;
  /** false where listed rows carry no key names (FileBasedCache lists files named by md5): no prefix filter then. */
  keyNames?: boolean;
  /** Row orders listKeys offers besides its natural one. */
  sorts?: ("name" | "size" | "expiry")[];
  /** Why a backend that does hold keys cannot list them (exact keys can still be opened and deleted). */
  unlistedReason?: string;
}

/** A backend's own health facts for its page (entries vs a cap, unreadable files, ...). */
export interface HealthReport {
  facts: { label: string; value: string; warn?: boolean }[];
  warnings: string[];
  /** Per server (Redis): the health panel of the Stats tab, asked for on demand (GET .../health?servers=1). */
  servers?: RedisServerHealth[];
}

/** One figure of a health panel: its value, or why the server would not give it (ACL, renamed command). */
export type HealthSection<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface SlowlogEntry {
  id: number;
  /** Unix ms. */
  at: number;
  micros: number;
  /** The command's name; its values are not shown (anyone's data), only how many arguments it had. */
  command: string;
  args: number;
  rawKey: string | null;
  /** The Django key and its namespace (the key up to its last separator) where the key follows the alias's layout. */
  key: string | null;
  namespace: string | null;
  client: string | null;
}

export interface RedisServerHealth {
  server: string;
  at: number;
  slowlog: HealthSection<SlowlogEntry[]>;
  latency: HealthSection<{ event: string; at: number; latestMs: number; maxMs: number }[]>;
  latencyDoctor: HealthSection<string>;
  memoryDoctor: HealthSection<string>;
  /** INFO commandstats, the commands with the most total time first. */
  commands: HealthSection<{ command: string; calls: number; usec: number; usecPerCall: number }[]>;
}

export interface BackendStatus {
  ok: boolean;
  latencyMs?: number;
  error?: string;
  /** Per server of a pool (memcached, several Redis locations). */
  servers?: { server: string; ok: boolean; latencyMs?: number; error?: string }[];
}

/** One listed entry, before Django's key layout is applied (lib/django does that). */
export interface KeyRow {
  /** The exact stored key; null where the backend cannot know it (FileBasedCache stores only a hash). */
  raw: string | null;
  /** FileBasedCache: the 32-hex file name without ".djcache". */
  file?: string;
  /** The server that listed it (pools): deletes of listed keys go there. */
  server?: string;
  /** Seconds to expiry; null = never; undefined = not fetched. */
  ttl?: number | null;
  /** Bytes (Redis MEMORY USAGE, memcached item size, file size); undefined = not fetched. */
  size?: number | null;
  /** Redis TYPE ("string", "hash", ...), "item" for memcached, "file" for FileBasedCache. */
  type?: string;
  /** Set by backends that can tell the kind without the key (FileBasedCache guesses it from the value). */
  kindHint?: "page" | "page_header" | "fragment" | "session" | "key";
  /** Short value preview where it is cheap (FileBasedCache). */
  preview?: string;
  expired?: boolean;
  /** Seconds since the entry was last read or written (memcached la=, Redis OBJECT IDLETIME, file atime); undefined = not known. */
  idle?: number;
  /** memcached fetch=: false = never read since written; undefined = not known. */
  fetched?: boolean;
  /** Redis OBJECT FREQ (LFU policies): the logarithmic access counter, 0-255; undefined = not known. */
  freq?: number;
}

export interface KeyPage {
  keys: KeyRow[];
  /** null = the end. Opaque to callers. */
  cursor: string | null;
  /** How many keys the server walked for this page. */
  scanned: number;
  /** Servers of a pool that could not be listed for this page (the others still were). */
  errors?: { server: string; error: string }[];
}

export interface ListOptions {
  /** Raw key prefix, matched literally (the backend escapes glob characters). "" = all. */
  prefix: string;
  cursor: string | null;
  /** Rows wanted (a hint: a SCAN page may return fewer or more). */
  count: number;
  /** Fetch ttl/size/type for the rows returned (pipelined). */
  withMeta: boolean;
  /** Row order where the backend offers a choice (FileBasedCache: by file name, size largest first, expiry soonest first). Default "name". */
  sort?: "name" | "size" | "expiry";
}

export type EntryRef = { raw: string } | { file: string };

export interface RawEntry {
  raw: string | null;
  file?: string;
  /** Redis TYPE or "item"/"file". */
  type: string;
  ttl: number | null;
  size: number | null;
  /** Stored bytes (cut at the backend's read limit for huge values); null for non-string Redis types. */
  bytes: Uint8Array | null;
  /** Total stored length of the value in bytes, when known (bytes may be a prefix of it). */
  valueLength?: number;
  /** How to decode bytes. */
  hint?: DecodeHint;
  /** For non-string Redis types (hash, set, zset, list, stream): the members as a PyValue, bounded. */
  structured?: PyValue;
  /** Things the UI must say, e.g. "reading this value counted as a get on the server". */
  notes?: string[];
}

export interface IterateOptions {
  prefix: string;
  /** Keys asked per server round trip. */
  batch: number;
  withSizes: boolean;
  /** With withSizes: the caller needs ttl and size only, so a backend may leave out the row's type (cheaper). */
  sizesOnly?: boolean;
  signal?: AbortSignal;
  /** Told how many keys the server walked (matching or not) as the walk goes: progress against a key count. */
  onScanned?: (keys: number) => void;
  /**
   * When the primary fails over mid-walk (Sentinel, Cluster), walk again from the start on the new one instead of
   * failing: right for a purge (what it deleted is gone), wrong for a count (keys would be counted twice).
   */
  restartOnFailover?: boolean;
  /** With withSizes: also the access facts of `coldBasis()` (row.idle, row.fetched, row.freq). */
  withAccess?: boolean;
}

/**
 * What tells a cold entry from a warm one on this backend (the analysis's "cold" figures): memcached's fetch flag
 * and last access, Redis's OBJECT IDLETIME or OBJECT FREQ, a file's atime; null where nothing can.
 */
export type ColdBasisKind = "fetched" | "idletime" | "lfu" | "atime";

export interface ColdBasis {
  basis: ColdBasisKind | null;
  /** What the figures mean and their caveats, or why there are none. */
  note: string;
  /** Which idle figures the basis can tell (atime under relatime: over a day only). */
  idle1h: boolean;
  idle24h: boolean;
}

/** Limits of a backend that decide what a size analysis warns about (all optional: a backend says what it knows). */
export interface EntryLimits {
  /** Largest item the server stores, in bytes (memcached item_size_max; the smallest of a pool). */
  itemSizeMax?: number;
  /** FileBasedCache: MAX_ENTRIES, the entries there now, and CULL_FREQUENCY. */
  maxEntries?: number;
  entries?: number;
  cullFrequency?: number;
}

export interface SampleOptions {
  /** Raw key prefix, matched literally. */
  prefix: string;
  /** Distinct keys wanted. */
  count: number;
  signal?: AbortSignal;
  /** Told how many keys have been drawn so far. */
  onDrawn?: (keys: number) => void;
}

export interface KeySample {
  /** Distinct keys under the prefix drawn uniformly at random, with ttl/size/type. */
  rows: KeyRow[];
  /** Estimated number of keys under the prefix. */
  total: number;
}

/** One server's counters; `extra` is its backend's own (typed by the descriptor: registry.ts StatsExtraOf). */
export interface ServerStats<Extra extends object = object> {
  server: string;
  ok: boolean;
  error?: string;
  hits: number | null;
  misses: number | null;
  items: number | null;
  bytes: number | null;
  maxBytes: number | null;
  evictions: number | null;
  expirations?: number | null;
  uptimeSeconds: number | null;
  version: string | null;
  extra?: Extra;
}

export interface StatsSnapshot {
  at: number;
  supported: boolean;
  /** Why there are no counters (FileBasedCache, DummyCache). */
  reason?: string;
  /** Redis counters cover the whole server, not only this alias's keys. */
  serverWide: boolean;
  servers: ServerStats[];
}

/** One counter bucket of the Django companion as stored (docs/COUNTERS_FORMAT.md). */
export interface CounterBucketRead {
  /** Its bytes, up to the reader's limit. */
  bytes: Uint8Array;
  /** The bucket holds more than `bytes`. */
  cut: boolean;
  /** Why it could not be read (a Redis key of another type, a file that is not a regular file). */
  unreadable?: string;
}

/**
 * A connection of its own for the on-demand probe (lib/probe): it writes, reads and deletes under final keys the probe
 * chose, storing each value the way Django's backend would store a Python `bytes` object (so the entries are
 * recognisable in the key browser). One client per simulated Django process: the probe opens several at once.
 */
export interface ProbeClient {
  /** Stores `payload` as a Python bytes value under the final key, expiring after ttlSeconds. Throws when not stored. */
  set(raw: string, payload: Uint8Array, ttlSeconds: number): Promise<void>;
  /** Reads the whole stored value back; false when the key is absent (a miss). */
  get(raw: string): Promise<boolean>;
  /** true when the key existed. */
  delete(raw: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface CacheBackend {
  readonly config: CacheConfig;
  readonly capabilities: Capabilities;
  status(): Promise<BackendStatus>;
  listKeys(opts: ListOptions): Promise<KeyPage>;
  /** null when absent. */
  readEntry(ref: EntryRef, maxBytes: number): Promise<RawEntry | null>;
  /** Delete by exact name/file (on every server of a pool). Returns how many were deleted. */
  deleteEntries(refs: EntryRef[]): Promise<number>;
  /** Delete rows this backend listed (each on the server that listed it). */
  deleteListed(rows: KeyRow[]): Promise<number>;
  /** Every key under prefix, in batches, for purges and analysis. */
  iterate(opts: IterateOptions): AsyncIterable<KeyRow[]>;
  stats(): Promise<StatsSnapshot>;
  /** Optional: a uniform random sample of keys without walking them all (size analysis "sample" mode). Backends
   * without it are sampled during a full walk. */
  sample?(opts: SampleOptions): Promise<KeySample>;
  /** Optional: how cold entries are told apart (the analysis asks before its walk); absent = not at all. */
  coldBasis?(): Promise<ColdBasis>;
  /** Optional: limits the size analysis checks entries against. */
  limits?(): Promise<EntryLimits>;
  /** Optional: health facts a person should see on the cache's page. */
  health?(): Promise<HealthReport>;
  /** Optional: each server's health panel (Redis: slow log, latency, doctors, top commands), one cheap command each. */
  serverHealth?(): Promise<RedisServerHealth[]>;
  /** Optional: the companion's counter buckets of `alias` held in this store; buckets that hold nothing are absent. */
  readCounterBuckets?(alias: string, buckets: number[]): Promise<Map<number, CounterBucketRead>>;
  /** Optional: a client for the probe (backends without it cannot be probed; lib/probe says why). */
  openProbeClient?(): ProbeClient;
  close(): Promise<void>;
}
