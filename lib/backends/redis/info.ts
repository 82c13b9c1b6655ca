import type { ServerStats } from "@/lib/backends/types";

/** INFO's text ("# Section" lines, then "field:value") as a flat map; keyspace lines keep their "keys=..,expires=.." value. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

export interface KeyspaceDb {
  keys: number;
  expires: number;
  avgTtlMs: number;
}

/** "db0:keys=12,expires=3,avg_ttl=1000" lines, by db number. */
export function parseKeyspace(fields: Map<string, string>): Record<string, KeyspaceDb> {
  const out: Record<string, KeyspaceDb> = {};
  for (const [name, value] of fields) {
    if (!/^db\d+$/.test(name)) continue;
    const parts = new Map(value.split(",").map((kv) => kv.split("=") as [string, string]));
    out[name] = {
      keys: Number(parts.get("keys") ?? 0),
      expires: Number(parts.get("expires") ?? 0),
      avgTtlMs: Number(parts.get("avg_ttl") ?? 0),
    };
  }
  return out;
}

function num(fields: Map<string, string>, name: string): number | null {
  const raw = fields.get(name);
  if (raw === undefined || raw === "") return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** The Redis extras of one server. */
export interface RedisExtra {
  db: number;
  maxmemory_policy: string | null;
  mem_fragmentation_ratio: number | null;
  used_memory_rss: number | null;
  used_memory_peak: number | null;
  connected_clients: number | null;
  total_commands_processed: number | null;
  keyspace: Record<string, KeyspaceDb>;
  /** Redis Cluster only: the node's role and slots (redis/cluster.ts). */
  cluster?: ClusterNodeExtra;
}

/** A Redis Cluster node's place in the cluster. */
export interface ClusterNodeExtra {
  role: "primary" | "replica";
  /** "0-5460, 10923" */
  slots: string;
  /** A replica's primary, as named in rows and stats. */
  primary: string | null;
  /** The cluster's cluster_state as the console last read it ("ok", "fail"). */
  state: string;
}

/** ServerStats for one server from its INFO text; items counts the keys of the alias's own db. */
export function infoToStats(server: string, text: string, db: number): ServerStats<RedisExtra> {
  const fields = parseInfo(text);
  const keyspace = parseKeyspace(fields);
  const maxmemory = num(fields, "maxmemory");
  return {
    server,
    ok: true,
    hits: num(fields, "keyspace_hits"),
    misses: num(fields, "keyspace_misses"),
    items: keyspace[`db${db}`]?.keys ?? 0,
    bytes: num(fields, "used_memory"),
    // maxmemory 0 means "no limit" (bounded by the machine only).
    maxBytes: maxmemory === 0 ? null : maxmemory,
    evictions: num(fields, "evicted_keys"),
    expirations: num(fields, "expired_keys"),
    uptimeSeconds: num(fields, "uptime_in_seconds"),
    version: fields.get("redis_version") ?? null,
    extra: {
      db,
      maxmemory_policy: fields.get("maxmemory_policy") ?? null,
      mem_fragmentation_ratio: num(fields, "mem_fragmentation_ratio"),
      used_memory_rss: num(fields, "used_memory_rss"),
      used_memory_peak: num(fields, "used_memory_peak"),
      connected_clients: num(fields, "connected_clients"),
      total_commands_processed: num(fields, "total_commands_processed"),
      keyspace,
    },
  };
}
