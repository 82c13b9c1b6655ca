import type { Compressor, DecodeHint } from "./types";

/**
 * Codec-level helpers for the backends' decode hints (each backend's descriptor says which applies to its paths):
 * django-redis's SERIALIZER and COMPRESSOR class paths read as the codecs that undo them.
 */

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

/** How django-redis wrote a value, from its OPTIONS SERIALIZER and COMPRESSOR. */
export function djangoRedisHint(options: Record<string, unknown>): DecodeHint {
  return {
    source: "django-redis",
    serializer: serializerOf(option(options, "SERIALIZER")),
    compressor: compressorOf(option(options, "COMPRESSOR")),
  };
}
