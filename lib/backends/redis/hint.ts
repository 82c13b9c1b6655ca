import type { Compressor, DecodeHint } from "@/lib/codecs/types";

/**
 * How the values of this alias were encoded, from its configuration: django-redis names its serializer and
 * compressor by dotted path in OPTIONS; Django's builtin RedisCache always pickles (ints stay decimal).
 */

export const DJANGO_REDIS_BACKEND = "django_redis.cache.RedisCache";

const SERIALIZERS: Record<string, "pickle" | "json" | "msgpack"> = {
  "django_redis.serializers.pickle.PickleSerializer": "pickle",
  "django_redis.serializers.json.JSONSerializer": "json",
  "django_redis.serializers.msgpack.MSGPackSerializer": "msgpack",
};

const COMPRESSORS: Record<string, Compressor | null> = {
  "django_redis.compressors.identity.IdentityCompressor": null,
  "django_redis.compressors.zlib.ZlibCompressor": "zlib",
  "django_redis.compressors.gzip.GzipCompressor": "gzip",
  "django_redis.compressors.lzma.LzmaCompressor": "lzma",
  "django_redis.compressors.lz4.Lz4Compressor": "lz4",
  "django_redis.compressors.zstd.ZStdCompressor": "zstd",
};

export interface HintChoice {
  hint: DecodeHint;
  /** Set when the configuration names a serializer or compressor this console does not know. */
  warning?: string;
}

export function redisDecodeHint(backend: string, options: Record<string, unknown>): HintChoice {
  if (backend !== DJANGO_REDIS_BACKEND) return { hint: { source: "redis-builtin" } };
  const serializerPath = typeof options.SERIALIZER === "string" ? options.SERIALIZER : undefined;
  const compressorPath = typeof options.COMPRESSOR === "string" ? options.COMPRESSOR : undefined;
  const serializer = serializerPath === undefined ? "pickle" : SERIALIZERS[serializerPath];
  const compressor = compressorPath === undefined ? null : COMPRESSORS[compressorPath];
  const unknown = [
    serializer === undefined ? `serializer ${serializerPath}` : null,
    compressor === undefined ? `compressor ${compressorPath}` : null,
  ].filter((x): x is string => x !== null);
  return {
    hint: { source: "django-redis", serializer: serializer ?? "pickle", compressor: compressor ?? null },
    ...(unknown.length > 0 ? { warning: `unknown ${unknown.join(" and ")}: decoded as pickle, uncompressed` } : {}),
  };
}
