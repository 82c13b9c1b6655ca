import type { BackendKind } from "@/lib/backends/registry";
import type { ServerStats } from "@/lib/backends/types";
import { redactText } from "@/lib/config/secrets";

/** Prometheus text exposition (format 0.0.4) of the servers' lifetime counters and levels. Pure. */

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface MetricsCache {
  alias: string;
  kind: BackendKind | "unsupported";
  servers: ServerStats[];
}

interface Family {
  name: string;
  type: "counter" | "gauge";
  help: string;
  value: (s: ServerStats) => number | null | undefined;
}

const FAMILIES: Family[] = [
  {
    name: "cachescope_up",
    type: "gauge",
    help: "1 when the last stats poll of the server succeeded, else 0.",
    value: (s) => (s.ok ? 1 : 0),
  },
  {
    name: "cachescope_hits_total",
    type: "counter",
    help: "Lookups that found their key (Redis keyspace_hits, memcached get_hits); whole-server counters.",
    value: (s) => s.hits,
  },
  {
    name: "cachescope_misses_total",
    type: "counter",
    help: "Lookups that did not find their key (Redis keyspace_misses, memcached get_misses); whole-server counters.",
    value: (s) => s.misses,
  },
  { name: "cachescope_items", type: "gauge", help: "Items stored (Redis: keys in the alias's database).", value: (s) => s.items },
  { name: "cachescope_bytes", type: "gauge", help: "Memory used by the server in bytes.", value: (s) => s.bytes },
  {
    name: "cachescope_max_bytes",
    type: "gauge",
    help: "Memory limit of the server in bytes (absent when the server has none).",
    value: (s) => s.maxBytes,
  },
  { name: "cachescope_evictions_total", type: "counter", help: "Items evicted to make room.", value: (s) => s.evictions },
  {
    name: "cachescope_expirations_total",
    type: "counter",
    help: "Keys removed because their TTL passed (Redis expired_keys).",
    value: (s) => s.expirations,
  },
];

/** Label values: secrets masked; backslash, double quote and line feed escaped, as the exposition format requires. */
export function escapeLabelValue(value: string): string {
  return redactText(value).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

export function metricsText(caches: MetricsCache[]): string {
  const lines: string[] = [];
  for (const family of FAMILIES) {
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    for (const cache of caches) {
      for (const s of cache.servers) {
        const v = family.value(s);
        if (v === null || v === undefined) continue;
        const labels = `alias="${escapeLabelValue(cache.alias)}",backend="${escapeLabelValue(cache.kind)}",server="${escapeLabelValue(s.server)}"`;
        lines.push(`${family.name}{${labels}} ${formatValue(v)}`);
      }
    }
  }
  return lines.join("\n") + "\n";
}
