import type { CacheBackend, EntryRef } from "@/lib/backends/types";
import { decodePool } from "@/lib/codecs/pool/pool";
import type { PyValue } from "@/lib/codecs/pyvalue";
import type { DecodedEntry, LimitHit, ResponseSummary } from "@/lib/codecs/types";
import type { CacheConfig } from "@/lib/config/types";
import { fragmentKey } from "@/lib/django/fragment-keys";
import { kindOfKey, makeKey, parseRawKey, type DjangoKind } from "@/lib/django/keys";
import { badRequest } from "@/lib/shared/errors";

/** Values up to this size are read and decoded whole; beyond it the first bytes are shown and the value is cut. */
export const MAX_VALUE_BYTES = 8 * 1024 * 1024;
/** Raw bytes shown as hex. */
export const HEX_BYTES = 4096;

export interface EntryQuery {
  key?: string;
  version?: number;
  raw?: string;
  file?: string;
  /** A template fragment's name, with varyOn: the key {% cache %} builds. */
  fragment?: string;
  varyOn?: string[];
}

export interface EntryView {
  raw: string | null;
  file?: string;
  key: string | null;
  version: number | null;
  kind: DjangoKind;
  type: string;
  ttl: number | null;
  size: number | null;
  valueLength: number | null;
  encoding: DecodedEntry["encoding"];
  value: PyValue | null;
  response?: ResponseSummary;
  truncated: boolean;
  error?: string;
  /** The decode limit that cut the value or stopped the decode (README "API additions"). */
  limit?: LimitHit;
  hex: string;
  hexTruncated: boolean;
  notes: string[];
  herd?: DecodedEntry["herd"];
  fileExpiry?: number | null;
}

/**
 * The stored entry an API query names: a Django key (alias prefix and version applied), the exact stored key, a file,
 * or a template fragment by name and vary-on values (the key Django's {% cache %} computes).
 */
export function entryRef(cache: CacheConfig, q: EntryQuery): EntryRef {
  const given = [q.key, q.raw, q.file, q.fragment].filter((v) => v !== undefined).length;
  if (given !== 1) throw badRequest("name exactly one of key (a Django key), raw (the stored key), file, or fragment (with varyOn)");
  if (q.file !== undefined) return { file: q.file };
  if (q.raw !== undefined) return { raw: q.raw };
  const key = q.fragment !== undefined ? fragmentKey(q.fragment, q.varyOn ?? []) : (q.key as string);
  return { raw: makeKey(key, cache.keyPrefix, q.version ?? cache.version) };
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, HEX_BYTES)).toString("hex");
}

/** Reads one entry and decodes it the way Python would; null when it is absent. */
export async function readEntryView(backend: CacheBackend, cache: CacheConfig, ref: EntryRef): Promise<EntryView | null> {
  const entry = await backend.readEntry(ref, MAX_VALUE_BYTES);
  if (!entry) return null;
  const parsed = entry.raw !== null && !cache.customKeyFunction ? parseRawKey(entry.raw, cache.keyPrefix) : null;
  const notes = [...(entry.notes ?? [])];
  const valueLength = entry.valueLength ?? entry.bytes?.length ?? null;
  const cut = entry.bytes !== null && valueLength !== null && entry.bytes.length < valueLength;
  let decoded: DecodedEntry;
  if (entry.structured) {
    decoded = { encoding: { format: `redis ${entry.type}`, compression: null }, value: entry.structured, truncated: false };
  } else if (!entry.bytes || !entry.hint) {
    decoded = {
      encoding: { format: "raw", compression: null },
      value: null,
      error: "undecodable: this backend gave no value bytes",
      truncated: false,
    };
  } else if (cut) {
    decoded = {
      encoding: { format: "raw", compression: null },
      value: { type: "truncated", omitted: valueLength - entry.bytes.length },
      truncated: true,
      error: `the value is ${valueLength} bytes, over the ${MAX_VALUE_BYTES}-byte decode limit: only its first bytes are shown`,
    };
  } else {
    // Off the event loop, within time, memory, byte and work limits (lib/codecs/pool).
    decoded = await decodePool().decode(entry.bytes, entry.hint);
  }
  const kind: DjangoKind = parsed ? kindOfKey(parsed.key) : decoded.response ? "page" : "key";
  const view: EntryView = {
    raw: entry.raw,
    key: parsed?.key ?? null,
    version: parsed?.version ?? null,
    kind,
    type: entry.type,
    ttl: entry.ttl,
    size: entry.size,
    valueLength,
    encoding: decoded.encoding,
    value: decoded.value,
    truncated: decoded.truncated,
    hex: entry.bytes ? hexOf(entry.bytes) : "",
    hexTruncated: (entry.bytes?.length ?? 0) > HEX_BYTES,
    notes,
  };
  if (entry.file !== undefined) view.file = entry.file;
  if (decoded.response) view.response = decoded.response;
  if (decoded.error) view.error = decoded.error;
  if (decoded.limit) view.limit = decoded.limit;
  if (decoded.herd) view.herd = decoded.herd;
  if (decoded.fileExpiry !== undefined) view.fileExpiry = decoded.fileExpiry;
  return view;
}
