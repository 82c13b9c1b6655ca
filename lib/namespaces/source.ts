import { descriptorOf } from "@/lib/backends/registry";
import type { CacheBackend, CounterBucketRead } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { readBucketFiles } from "./read-files";
import type { Sink } from "./sinks";

/** Where an alias's counters are read: its own store, another alias's store (a sink), a directory (a sink), or nowhere. */
export type CounterSource =
  | { kind: "store"; id: string; label: string; backend: CacheBackend & Required<Pick<CacheBackend, "readCounterBuckets">> }
  | { kind: "dir"; id: string; label: string; dir: string }
  | { kind: "none"; reason: string };

const SINK_HINT =
  'set CACHESCOPE_SINKS (e.g. {"<alias>": "default"} or {"<alias>": "/var/lib/cachescope"}), the same dict as the companion\'s CACHESCOPE["SINKS"]';

export function counterSource(
  cache: CacheConfig,
  sink: Sink | undefined,
  caches: readonly CacheConfig[],
  backendOf: (cache: CacheConfig) => CacheBackend | null,
): CounterSource {
  if (sink && "dir" in sink)
    return { kind: "dir", id: `dir:${sink.dir}`, label: `directory ${sink.dir} (CACHESCOPE_SINKS)`, dir: sink.dir };
  const holder = sink ? caches.find((c) => c.alias === sink.alias) : cache;
  if (!holder) return { kind: "none", reason: `CACHESCOPE_SINKS names alias "${sink?.alias}", which is not configured` };
  const backend = backendOf(holder);
  if (backend?.readCounterBuckets) {
    const label = holder === cache ? `${cache.alias}'s own store` : `alias ${holder.alias}'s store (CACHESCOPE_SINKS)`;
    return {
      kind: "store",
      id: `alias:${holder.alias}`,
      label,
      backend: backend as CacheBackend & Required<Pick<CacheBackend, "readCounterBuckets">>,
    };
  }
  if (holder !== cache)
    return {
      kind: "none",
      reason: `CACHESCOPE_SINKS sends "${cache.alias}" to "${holder.alias}" (${holder.backendPath}), which cannot hold counters`,
    };
  const what = descriptorOf(cache)?.noCounters ?? `${cache.backendPath} cannot be read from outside Django`;
  return {
    kind: "none",
    reason: `${what}: the companion writes its counters where CACHESCOPE["SINKS"] says; to read them here, ${SINK_HINT}`,
  };
}

export function readFromSource(
  source: Exclude<CounterSource, { kind: "none" }>,
  alias: string,
  buckets: number[],
): Promise<Map<number, CounterBucketRead>> {
  return source.kind === "dir" ? readBucketFiles(source.dir, [], alias, buckets) : source.backend.readCounterBuckets(alias, buckets);
}
