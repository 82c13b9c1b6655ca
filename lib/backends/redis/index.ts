import { defineBackend } from "../descriptor";
import { redisDecodeHint } from "./hint";
import type { RedisExtra } from "./info";
import { topologyOf } from "./topology";

/** Django's RedisCache (4.0+) and django-redis, standalone, behind sentinels or sharded (redis/topology.ts). */
export const redis = defineBackend<"redis", RedisExtra>({
  kind: "redis",
  paths: ["django.core.cache.backends.redis.RedisCache", "django_redis.cache.RedisCache"],
  location: { split: true, required: true },
  decodeHint: redisDecodeHint,
  serverWideCounters: true,
  statsScope: () =>
    "Hits, misses, evictions and expirations are Redis's server-wide counters: every database and every other app on this Redis counts too. Items count this alias's database only; memory is the whole server's.",
  create: (config) => topologyOf(config).create(config),
});
