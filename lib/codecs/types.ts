import type { PyValue } from "./pyvalue";

/** How the bytes of one entry were written: chosen by the backend from its configuration. */
export type DecodeHint =
  /** django-redis DefaultClient/HerdClient: int as ASCII decimal, else serializer then optional compressor. */
  | { source: "django-redis"; serializer: "pickle" | "json" | "msgpack"; compressor: Compressor | null }
  /** Django's builtin RedisCache (4.0+): exact int as ASCII decimal, else pickle. */
  | { source: "redis-builtin" }
  /** memcached value with its client flags, as written by pymemcache / pylibmc / python-memcached. */
  | { source: "memcached"; flags: number; client: "pymemcache" | "pylibmc" | "python-memcached" }
  /** A whole FileBasedCache .djcache file: pickled expiry, then zlib(pickle(value)). */
  | { source: "filebased" }
  /** A DatabaseCache row's value column: base64 of a pickle (any protocol). */
  | { source: "database" };

export type Compressor = "zlib" | "gzip" | "lzma" | "lz4" | "zstd";

/** A cached HttpResponse (cache_page) summarised for display. */
export interface ResponseSummary {
  status: number;
  contentType: string | null;
  headers: Record<string, string>;
  bodyText: string;
  bodyTruncated: boolean;
  /** Python class of the response, e.g. django.http.response.HttpResponse */
  className: string;
}

export interface DecodeLimits {
  /** Stop building the value once this many PyValue nodes exist; the rest becomes {"type":"truncated"}. */
  maxNodes: number;
  /** Bytes after decompression at most (a zip bomb stops here). */
  maxInflatedBytes: number;
  /** Nesting depth at most. */
  maxDepth: number;
  /** Body text of a cached page at most (characters). */
  maxBodyChars: number;
  /** The value's JSON size at most (estimated while it is built); past it the rest becomes {"type":"truncated"}. */
  maxOutputBytes: number;
  /** Work units at most (one per set member, dict key or copied item, one per 64 characters hashed or encoded):
   * past it the decode stops with a "work" limit. Bounds what memoized references could multiply. */
  maxWork: number;
}

/** Which limit stopped or cut a decode. time/memory: the worker was ended (see lib/codecs/pool); busy: the queue was
 * full; bytes: inflated or output bytes; work: see DecodeLimits.maxWork; nodes/depth: the value was cut. */
export type LimitKind = "time" | "memory" | "bytes" | "work" | "nodes" | "depth" | "busy";

export interface LimitHit {
  kind: LimitKind;
  message: string;
}

export interface DecodedEntry {
  encoding: {
    /** "int" | "pickle protocol N" | "json" | "msgpack" | "text" | "bytes" | "bool" | "raw" */
    format: string;
    /** "zlib" | "gzip" | "lzma" | "lz4" | "zstd" | null */
    compression: string | null;
    flags?: number;
  };
  /** null when undecodable: then error says why. */
  value: PyValue | null;
  /** "undecodable: ..." */
  error?: string;
  /** true when a limit cut the value (it then contains {"type":"truncated"} nodes). */
  truncated: boolean;
  /** The limit that cut the value (truncated) or stopped the decode (value null, error set). */
  limit?: LimitHit;
  /** For HttpResponse-like values (cache_page entries). */
  response?: ResponseSummary;
  /** FileBasedCache only: the expiry at the head of the file (unix seconds) or null for never. */
  fileExpiry?: number | null;
  /** django-redis HerdClient entries: `value` stays the whole stored tuple; this is the unwrapped value and the
   * logical expiry (unix seconds) for display. */
  herd?: { value: PyValue; logicalExpiry: number };
}
