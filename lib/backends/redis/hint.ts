import { djangoRedisHint } from "@/lib/codecs/hint";
import type { DecodeHint } from "@/lib/codecs/types";
import type { CacheConfig } from "@/lib/config/types";

/** django-redis writes with its SERIALIZER/COMPRESSOR; any other path (Django's own, a subclass of it) is read as Django's. */
export function redisDecodeHint(config: Pick<CacheConfig, "backendPath" | "options">): DecodeHint {
  return config.backendPath.startsWith("django_redis.") ? djangoRedisHint(config.options) : { source: "redis-builtin" };
}
