import type { Compressor, DecodeHint } from "./types";

/**
 * Maps a Django CACHES entry (BACKEND dotted path + OPTIONS) to how its stored bytes are decoded.
 * Memcached values carry their encoding in per-item client flags: pass the flags read with the value
 * (`decodeHintFor(backend, options, flags)`); without flags a memcached backend gives null.
 * Unknown backends (DummyCache, LocMemCache, custom ones) give null.
 */

const MEMCACHED_CLIENTS: ReadonlyMap<string, "pymemcache" | "pylibmc" | "python-memcached"> = new Map([
  ["django.core.cache.backends.memcached.PyMemcacheCache", "pymemcache"],
  ["django.core.cache.backends.memcached.PyLibMCCache", "pylibmc"],
  ["django.core.cache.backends.memcached.MemcachedCache", "python-memcached"],
]);

/** django-redis compressor classes by their module (django_redis.compressors.<module>.<Class>). */
const COMPRESSORS: ReadonlyMap<string, Compressor | null> = new Map([
  ["zlib", "zlib"],
  ["gzip", "gzip"],
  ["lzma", "lzma"],
  ["lz4", "lz4"],
  ["zstd", "zstd"],
  ["identity", null],
]);

function option(options: Record<string, unknown>, name: string): string {
  const v = options[name];
  return typeof v === "string" ? v : "";
}

function serializerOf(path: string): "pickle" | "json" | "msgpack" {
  const p = path.toLowerCase();
  if (p.includes("msgpack")) return "msgpack";
  if (p.includes("json")) return "json";
  return "pickle";
}

function compressorOf(path: string): Compressor | null {
  const m = /^django_redis\.compressors\.([a-z0-9_]+)\./.exec(path);
  return m ? (COMPRESSORS.get(m[1]) ?? null) : null;
}

export function decodeHintFor(
  backendDottedPath: string,
  options: Record<string, unknown>,
  flags?: number,
): DecodeHint | null {
  if (backendDottedPath.startsWith("django_redis.")) {
    return {
      source: "django-redis",
      serializer: serializerOf(option(options, "SERIALIZER")),
      compressor: compressorOf(option(options, "COMPRESSOR")),
    };
  }
  if (backendDottedPath === "django.core.cache.backends.redis.RedisCache") return { source: "redis-builtin" };
  if (backendDottedPath === "django.core.cache.backends.filebased.FileBasedCache") return { source: "filebased" };
  const client = MEMCACHED_CLIENTS.get(backendDottedPath);
  if (client !== undefined) return flags === undefined ? null : { source: "memcached", flags, client };
  return null;
}
