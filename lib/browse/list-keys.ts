import type { CacheBackend } from "@/lib/backends/types";
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
}

export interface ListKeysResult {
  keys: KeyView[];
  cursor: string | null;
  scanned: number;
  /** Servers of a pool that could not be listed: the others' keys are still here. */
  errors?: { server: string; error: string }[];
}

/** Backend calls one "all versions" page may make while its filter drops keys (bounded: a page must answer fast). */
const MAX_FILTERED_CALLS = 10;

/**
 * One page of keys in Django's terms. The current version and raw modes are one literal prefix the backend can match;
 * all versions with a key prefix is "{KEY_PREFIX}:" then a filter on the parsed key.
 */
export async function listKeys(backend: CacheBackend, cache: CacheConfig, q: ListKeysQuery): Promise<ListKeysResult> {
  const named = backend.capabilities.keyNames !== false;
  if (!named || q.raw || !q.allVersions || q.prefix === "") {
    // Rows without names (files named by md5) have no key layout to match: the backend says why a prefix cannot work.
    const prefix = !named || q.raw ? q.prefix : rawPrefixFor(cache.keyPrefix, q.allVersions ? null : cache.version, q.prefix);
    const sort = q.sort && backend.capabilities.sorts?.includes(q.sort) ? { sort: q.sort } : {};
    const page = await backend.listKeys({ prefix, cursor: q.cursor, count: q.count, withMeta: true, ...sort });
    const rows = withoutCounterRows(page.keys);
    const result: ListKeysResult = { keys: rows.map((r) => toKeyView(r, cache)), cursor: page.cursor, scanned: page.scanned };
    if (page.errors?.length) result.errors = page.errors;
    return result;
  }
  const keys: KeyView[] = [];
  const errors = new Map<string, string>();
  let cursor = q.cursor;
  let scanned = 0;
  for (let calls = 0; calls < MAX_FILTERED_CALLS; calls++) {
    const page = await backend.listKeys({ prefix: rawPrefixFor(cache.keyPrefix, null), cursor, count: q.count, withMeta: true });
    scanned += page.scanned;
    cursor = page.cursor;
    for (const e of page.errors ?? []) errors.set(e.server, e.error);
    for (const row of withoutCounterRows(page.keys)) {
      const parsed = row.raw === null ? null : parseRawKey(row.raw, cache.keyPrefix);
      if (parsed && parsed.key.startsWith(q.prefix)) keys.push(toKeyView(row, cache));
    }
    if (keys.length >= q.count || cursor === null) break;
  }
  const result: ListKeysResult = { keys, cursor, scanned };
  if (errors.size) result.errors = [...errors].map(([server, error]) => ({ server, error }));
  return result;
}
