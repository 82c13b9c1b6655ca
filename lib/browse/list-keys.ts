import type { CacheBackend, KeyRow } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { parseRawKey, rawPrefixFor } from "@/lib/django/keys";
import { withoutCounterRows } from "@/lib/namespaces/format";
import { toKeyView, type KeyView } from "./rows";

export interface ListKeysQuery {
  /** A Django key prefix (or a raw key prefix with raw=true), matched literally. */
  prefix: string;
  cursor: string | null;
  count: number;
  allVersions: boolean;
  raw: boolean;
  sort?: "name" | "size" | "expiry";
  /** Only entries that never expire (Django timeout=None). */
  noExpiry?: boolean;
}

export interface ListKeysResult {
  keys: KeyView[];
  cursor: string | null;
  scanned: number;
  /** Servers of a pool that could not be listed: the others' keys are still here. */
  errors?: { server: string; error: string }[];
}

/** Backend calls one filtered page (all versions, no expiry) may make while its filter drops keys (bounded: a page must answer fast). */
const MAX_FILTERED_CALLS = 10;

/**
 * One page of keys in Django's terms. The current version and raw modes are one literal prefix the backend can match;
 * all versions with a key prefix is "{KEY_PREFIX}:" then a filter on the parsed key; `noExpiry` filters the rows on
 * their TTL (the backend lists them with it).
 */
export async function listKeys(backend: CacheBackend, cache: CacheConfig, q: ListKeysQuery): Promise<ListKeysResult> {
  const named = backend.capabilities.keyNames !== false;
  const byParsedKey = named && !q.raw && q.allVersions && q.prefix !== "";
  // Rows without names (files named by md5) have no key layout to match: the backend says why a prefix cannot work.
  const prefix = byParsedKey
    ? rawPrefixFor(cache.keyPrefix, null)
    : !named || q.raw
      ? q.prefix
      : rawPrefixFor(cache.keyPrefix, q.allVersions ? null : cache.version, q.prefix);
  const sort = !byParsedKey && q.sort && backend.capabilities.sorts?.includes(q.sort) ? { sort: q.sort } : {};
  if (!byParsedKey && !q.noExpiry) {
    const page = await backend.listKeys({ prefix, cursor: q.cursor, count: q.count, withMeta: true, ...sort });
    const rows = withoutCounterRows(page.keys);
    const result: ListKeysResult = { keys: rows.map((r) => toKeyView(r, cache)), cursor: page.cursor, scanned: page.scanned };
    if (page.errors?.length) result.errors = page.errors;
    return result;
  }
  const keep = (row: KeyRow): boolean => {
    if (q.noExpiry && row.ttl !== null) return false;
    if (!byParsedKey) return true;
    const parsed = row.raw === null ? null : parseRawKey(row.raw, cache.keyPrefix);
    return parsed !== null && parsed.key.startsWith(q.prefix);
  };
  const keys: KeyView[] = [];
  const errors = new Map<string, string>();
  let cursor = q.cursor;
  let scanned = 0;
  for (let calls = 0; calls < MAX_FILTERED_CALLS; calls++) {
    const page = await backend.listKeys({ prefix, cursor, count: q.count, withMeta: true, ...sort });
    scanned += page.scanned;
    cursor = page.cursor;
    for (const e of page.errors ?? []) errors.set(e.server, e.error);
    for (const row of withoutCounterRows(page.keys)) if (keep(row)) keys.push(toKeyView(row, cache));
    if (keys.length >= q.count || cursor === null) break;
  }
  const result: ListKeysResult = { keys, cursor, scanned };
  if (errors.size) result.errors = [...errors].map(([server, error]) => ({ server, error }));
  return result;
}
