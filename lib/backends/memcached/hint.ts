import type { DecodeHint } from "@/lib/codecs/types";
import type { CacheConfig } from "@/lib/config/types";

/** Django's memcached backends by path, and the Python client that wrote (and flagged) their values. */
export const MEMCACHED_CLIENTS: ReadonlyMap<string, "pymemcache" | "pylibmc" | "python-memcached"> = new Map([
  ["django.core.cache.backends.memcached.PyMemcacheCache", "pymemcache"],
  ["django.core.cache.backends.memcached.PyLibMCCache", "pylibmc"],
  ["django.core.cache.backends.memcached.MemcachedCache", "python-memcached"],
]);

/** memcached values carry their encoding in per-item client flags: no flags, no hint. */
export function memcachedDecodeHint(config: Pick<CacheConfig, "backendPath">, flags?: number): DecodeHint | null {
  const client = MEMCACHED_CLIENTS.get(config.backendPath);
  return client === undefined || flags === undefined ? null : { source: "memcached", flags, client };
}
