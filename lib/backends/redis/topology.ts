import type { CacheConfig } from "@/lib/config/types";
import type { CacheBackend } from "../types";
import { createRedisNodeOrCluster } from "./cluster-detect";
import { createRedisNode } from "./node";
import { createShardedRedisBackend } from "./shards";

/**
 * How an alias's keys are spread over Redis servers, one strategy per topology behind one interface: the first that
 * matches the alias's LOCATION and OPTIONS builds its backend. A topology whose
 * primaries move (Sentinel, Cluster) finds them through a PrimaryFollower (failover.ts): it keeps the answer, asks
 * again when a call fails with a connection loss or READONLY (failoverCause), and answers "reconnecting" meanwhile.
 */
export interface RedisTopology {
  readonly name: string;
  matches(config: CacheConfig): boolean;
  create(config: CacheConfig): CacheBackend;
}

/** django-redis ShardClient: every LOCATION is a Redis of its own, each key on one of them (redis/shards.ts). */
const shards: RedisTopology = {
  name: "shards",
  matches: (config) => config.options.CLIENT_CLASS === "django_redis.client.ShardClient" && config.locations.length > 1,
  create: (config) => createShardedRedisBackend(config, createRedisNode),
};

/** django-redis SentinelClient: one node, whose address the sentinels of OPTIONS SENTINELS name (redis/sentinel.ts). */
const sentinel: RedisTopology = {
  name: "sentinel",
  matches: (config) => config.options.SENTINELS !== undefined && config.options.SENTINELS !== null,
  create: createRedisNode,
};

/**
 * One server. Django's RedisCache and django-redis's DefaultClient write every key to the first LOCATION and read
 * from the others as replicas, so the first holds the truth (redis/node.ts). Unless the server answers
 * cluster_enabled:1: then a Redis Cluster, the LOCATIONs its seeds (redis/cluster-detect.ts, redis/cluster.ts).
 */
const standalone: RedisTopology = { name: "standalone", matches: () => true, create: createRedisNodeOrCluster };

export const TOPOLOGIES: readonly RedisTopology[] = [shards, sentinel, standalone];

export function topologyOf(config: CacheConfig): RedisTopology {
  return TOPOLOGIES.find((t) => t.matches(config)) ?? standalone;
}
