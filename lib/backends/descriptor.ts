import type { DecodeHint } from "@/lib/codecs/types";
import type { CacheConfig } from "@/lib/config/types";
import type { CacheBackend } from "@/lib/backends/types";

/**
 * Everything the rest of the console knows about one backend kind, in one place: the config parser reads its paths
 * and LOCATION rules, the codecs its decode hint, the stats report its counter scope, the registry its factory.
 * `Extra` is the shape of its per-server stats extras (Redis memory and keyspace, memcached slabs), typed for the pages.
 */
export interface BackendDescriptor<Kind extends string = string, Extra extends object = object> {
  readonly kind: Kind;
  /** Django BACKEND dotted paths (and third-party ones such as django-redis's) this backend reads. */
  readonly paths: readonly string[];
  readonly location: {
    /** Django splits a LOCATION string on ";" and "," for this backend (a list is taken as is). */
    split: boolean;
    required: boolean;
  };
  /** Its entries live in a database: the config parser hands it the DATABASES entry Django would use (config.database). */
  readonly usesDatabase?: boolean;
  /** What every alias of this kind carries on its page (DummyCache: why there is nothing to see). */
  readonly note?: string;
  /** Why this kind's store never holds the Django companion's counters (DummyCache: it stores nothing). */
  readonly noCounters?: string;
  /** Why this kind is never probed (DummyCache: it stores nothing, so there is no latency to measure). */
  readonly noProbe?: string;
  /** How a stored value's bytes decode; memcached passes the flags read with the value (null without them). */
  decodeHint(config: Pick<CacheConfig, "backendPath" | "options">, flags?: number): DecodeHint | null;
  /** The counters are the server's own (other databases and apps on it count too), not this alias's. */
  readonly serverWideCounters: boolean;
  /** What the stats page says the counters cover, for a cache of `servers` servers. */
  statsScope(servers: number): string;
  /** Builds the backend. Never throws: a LOCATION it cannot use makes a backend whose calls report it. */
  create(config: CacheConfig): CacheBackend;
  /** Type witness of the stats extras (never read at run time). */
  readonly extra?: Extra;
}

export function defineBackend<Kind extends string, Extra extends object = Record<string, never>>(
  descriptor: BackendDescriptor<Kind, Extra>,
): BackendDescriptor<Kind, Extra> {
  return descriptor;
}
