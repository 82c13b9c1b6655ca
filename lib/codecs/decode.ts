import { Budget, LimitError, Work } from "./budget";
import { decompress, DecompressError, hasMagic } from "./decompress";
import { parseJson } from "./json";
import { parseMsgpack } from "./msgpack";
import { toPyValue } from "./pickle-convert";
import type { PyValue } from "./pyvalue";
import { summarizeResponse } from "./response";
import type { Compressor, DecodedEntry, DecodeHint, DecodeLimits, LimitHit } from "./types";
import { parseDecimalInt, unpickle, UnpickleError } from "./unpickle";

/**
 * The one entry point for stored cache bytes: any input gives a PyValue or an "undecodable: ..." error, within the
 * limits. Nothing in a pickle runs (see unpickle.ts). Rules per writer follow shared/DJANGO_FORMATS.md.
 * The limits bound bytes and work; lib/codecs/pool runs this off the request thread and adds time and memory limits.
 */

export const DEFAULT_LIMITS: DecodeLimits = {
  maxNodes: 200_000,
  maxInflatedBytes: 64 * 1024 * 1024,
  maxDepth: 400,
  maxBodyChars: 200_000,
  maxOutputBytes: 16 * 1024 * 1024,
  maxWork: 16_000_000,
};

/** Memcached client flags (the same constants in pymemcache, pylibmc and python-memcached). */
const FLAG_PICKLE = 1;
const FLAG_INTEGER = 2;
const FLAG_LONG = 4;
const FLAG_ZLIB = 8;
const FLAG_TEXT = 16;

const HERD_MARKER = "django_redis.client.herd.Marker";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

interface Decoded {
  format: string;
  value: PyValue;
}

/** Python's int(bytes) when it succeeds, else null (Redis and memcached store ints as ASCII decimal). */
function tryInt(bytes: Uint8Array): PyValue | null {
  // int() accepts at most a few thousand digits; longer input cannot be an int and need not be scanned.
  if (bytes.length === 0 || bytes.length > 5000) return null;
  try {
    return { type: "int", value: parseDecimalInt(Buffer.from(bytes).toString("latin1")).toString() };
  } catch {
    return null;
  }
}

function pickle(bytes: Uint8Array, budget: Budget): Decoded {
  const { value, protocol } = unpickle(bytes, budget.work);
  return { format: `pickle protocol ${protocol}`, value: toPyValue(value, budget) };
}

function serialize(bytes: Uint8Array, serializer: "pickle" | "json" | "msgpack", budget: Budget): Decoded {
  if (serializer === "json") return { format: "json", value: parseJson(strictUtf8.decode(bytes), budget) };
  if (serializer === "msgpack") return { format: "msgpack", value: parseMsgpack(bytes, budget) };
  return pickle(bytes, budget);
}

function bytesValue(bytes: Uint8Array): PyValue {
  return { type: "bytes", base64: Buffer.from(bytes).toString("base64"), length: bytes.length };
}

class Undecodable extends Error {}

interface Outcome extends Decoded {
  compression: Compressor | null;
  fileExpiry?: number | null;
}

function djangoRedis(
  bytes: Uint8Array,
  hint: Extract<DecodeHint, { source: "django-redis" }>,
  budget: Budget,
  limits: DecodeLimits,
): Outcome {
  const int = tryInt(bytes);
  if (int !== null) return { format: "int", value: int, compression: null };
  let data = bytes;
  let compression: Compressor | null = null;
  if (hint.compressor !== null && hasMagic(bytes, hint.compressor)) {
    try {
      data = decompress(bytes, hint.compressor, limits.maxInflatedBytes);
      compression = hint.compressor;
    } catch (e) {
      // django-redis falls back to the raw bytes when decompression fails; a bomb is refused instead.
      if (e instanceof DecompressError && e.overLimit) throw e;
    }
  }
  return { ...serialize(data, hint.serializer, budget), compression };
}

function memcached(bytes: Uint8Array, flags: number, budget: Budget, limits: DecodeLimits): Outcome {
  let data = bytes;
  let compression: Compressor | null = null;
  if (flags & FLAG_ZLIB) {
    data = decompress(bytes, "zlib", limits.maxInflatedBytes);
    compression = "zlib";
  }
  const kind = flags & ~FLAG_ZLIB;
  if (kind === FLAG_PICKLE) return { ...pickle(data, budget), compression };
  if (kind === FLAG_INTEGER || kind === FLAG_LONG) {
    // pylibmc stores bools as "1"/"0" with FLAG_INTEGER and reads them back as int.
    const int = tryInt(data);
    if (int === null) throw new Undecodable("flags say int but the value is not an integer");
    return { format: "int", value: int, compression };
  }
  if (kind === FLAG_TEXT) {
    let text: string;
    try {
      text = strictUtf8.decode(data);
    } catch {
      throw new Undecodable("flags say text but the value is not UTF-8");
    }
    return { format: "text", value: { type: "str", value: text }, compression };
  }
  return { format: "bytes", value: bytesValue(data), compression };
}

function expiryOf(value: PyValue): number | null | undefined {
  if (value.type === "none") return null;
  if (value.type === "float" && typeof value.value === "number") return value.value;
  if (value.type === "int") return Number(value.value);
  return undefined;
}

/**
 * The head of a FileBasedCache file: pickle #1, the expiry (unix seconds, or null for never). Parses nothing else,
 * so it is cheap enough for listing many files from a short prefix of each. null when the head is not an expiry.
 */
export function readFileExpiry(bytes: Uint8Array, work?: Work): { expiry: number | null; headerLength: number } | null {
  try {
    const head = unpickle(bytes, work);
    const n = head.value;
    if (n.k === "none") return { expiry: null, headerLength: head.end };
    if (n.k === "float") return { expiry: n.v, headerLength: head.end };
    if (n.k === "int") return { expiry: Number(n.v), headerLength: head.end };
    return null;
  } catch {
    return null;
  }
}

function fileBased(bytes: Uint8Array, budget: Budget, limits: DecodeLimits): Outcome {
  if (bytes.length === 0) throw new Undecodable("empty file (Django treats it as expired)");
  const head = unpickle(bytes, budget.work);
  const fileExpiry = expiryOf(toPyValue(head.value, new Budget({ maxNodes: 4, maxDepth: 2 }, budget.work)));
  if (fileExpiry === undefined) throw new Undecodable("the file does not start with a pickled expiry");
  // touch() rewrites in place without truncating: inflate ignores what follows the end of the zlib stream.
  const body = decompress(bytes.subarray(head.end), "zlib", limits.maxInflatedBytes);
  return { ...pickle(body, budget), compression: "zlib", fileExpiry };
}

/** Django's DatabaseCache reads a value with pickle.loads(base64.b64decode(value)). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function databaseValue(bytes: Uint8Array, budget: Budget): Outcome {
  // b64decode without validate=True drops characters outside the alphabet, then insists on the padding.
  const text = Buffer.from(bytes)
    .toString("latin1")
    .replace(/[^A-Za-z0-9+/=]/g, "");
  if (!BASE64.test(text)) {
    throw new Undecodable(`not valid base64 (${text.length} base64 characters: the length or the "=" padding is wrong)`);
  }
  return { ...pickle(Buffer.from(text, "base64"), budget), compression: null };
}

function run(bytes: Uint8Array, hint: DecodeHint, budget: Budget, limits: DecodeLimits): Outcome {
  switch (hint.source) {
    case "django-redis":
      return djangoRedis(bytes, hint, budget, limits);
    case "redis-builtin": {
      const int = tryInt(bytes);
      if (int !== null) return { format: "int", value: int, compression: null };
      return { ...pickle(bytes, budget), compression: null };
    }
    case "memcached":
      return memcached(bytes, hint.flags, budget, limits);
    case "filebased":
      return fileBased(bytes, budget, limits);
    case "database":
      return databaseValue(bytes, budget);
  }
}

/** HerdClient's stored tuple (Marker(), value, logical expiry): the value and expiry for display. */
function herdOf(v: PyValue): DecodedEntry["herd"] {
  if (v.type !== "tuple" || v.items.length !== 3) return undefined;
  const [marker, value, expiry] = v.items;
  if (marker.type !== "object" || marker.class !== HERD_MARKER) return undefined;
  if (expiry.type !== "int" && expiry.type !== "float") return undefined;
  const logicalExpiry = Number(expiry.value);
  return Number.isFinite(logicalExpiry) ? { value, logicalExpiry } : undefined;
}

function reason(e: unknown): string {
  if (e instanceof UnpickleError) return `pickle: ${e.message}`;
  if (e instanceof LimitError) return `${e.kind} limit: ${e.message}`;
  if (e instanceof RangeError) return `too deeply nested or too large (${e.message})`;
  return e instanceof Error ? e.message : String(e);
}

function formatGuess(hint: DecodeHint): string {
  switch (hint.source) {
    case "django-redis":
      return hint.serializer;
    case "memcached":
      return hint.flags & FLAG_PICKLE ? "pickle" : hint.flags & FLAG_TEXT ? "text" : "raw";
    default:
      return "pickle";
  }
}

/** Defaults for whatever is missing; an undefined or non-positive field must not lift a limit. */
function mergeLimits(limits: Partial<DecodeLimits> | undefined): DecodeLimits {
  const out: DecodeLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof DecodeLimits)[]) {
    const v = limits?.[key];
    if (typeof v === "number" && v > 0) out[key] = v;
  }
  return out;
}

/** The limit behind a failed decode, if a limit (not bad data) stopped it. */
function limitOf(e: unknown): LimitHit | undefined {
  if (e instanceof LimitError) return { kind: e.kind, message: e.message };
  if (e instanceof DecompressError && e.overLimit) return { kind: "bytes", message: e.message };
  if (e instanceof RangeError) return { kind: /call stack/i.test(e.message) ? "depth" : "memory", message: e.message };
  return undefined;
}

/** Bytes of a FileBasedCache file that hold its expiry (Django writes 4 or 15): all a failed decode reads again. */
const EXPIRY_HEAD_BYTES = 64;

/** The answer for bytes that could not be decoded: the encoding guessed from the hint, and why. */
export function undecodable(bytes: Uint8Array, hint: DecodeHint, error: string, limit?: LimitHit): DecodedEntry {
  const flags = hint.source === "memcached" ? { flags: hint.flags } : {};
  const entry: DecodedEntry = {
    encoding: { format: formatGuess(hint), compression: null, ...flags },
    value: null,
    error: `undecodable: ${error}`,
    truncated: false,
  };
  if (limit !== undefined) entry.limit = limit;
  if (hint.source === "filebased") {
    const head = readFileExpiry(bytes.subarray(0, EXPIRY_HEAD_BYTES));
    if (head !== null) entry.fileExpiry = head.expiry;
  }
  return entry;
}

export function decodeEntry(bytes: Uint8Array, hint: DecodeHint, limits?: Partial<DecodeLimits>): DecodedEntry {
  const lim = mergeLimits(limits);
  const budget = new Budget(lim, new Work(lim.maxWork));
  const flags = hint.source === "memcached" ? { flags: hint.flags } : {};
  let out: Outcome;
  try {
    out = run(bytes, hint, budget, lim);
  } catch (e) {
    return undecodable(bytes, hint, reason(e), limitOf(e));
  }
  const entry: DecodedEntry = {
    encoding: { format: out.format, compression: out.compression, ...flags },
    value: out.value,
    truncated: budget.truncated,
  };
  const cut = budget.hit();
  if (cut !== null) entry.limit = cut;
  const response = summarizeResponse(out.value, lim.maxBodyChars);
  if (response !== undefined) entry.response = response;
  if (out.fileExpiry !== undefined) entry.fileExpiry = out.fileExpiry;
  if (hint.source === "django-redis") {
    const herd = herdOf(out.value);
    if (herd !== undefined) entry.herd = herd;
  }
  return entry;
}
