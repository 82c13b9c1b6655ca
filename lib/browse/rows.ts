import type { KeyRow } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { kindOfKey, parseRawKey, type DjangoKind } from "@/lib/django/keys";

/** A listed key as the API shows it (shared/API.md keys[]). */
export interface KeyView {
  raw: string | null;
  key: string | null;
  version: number | null;
  kind: DjangoKind;
  ttl: number | null;
  size: number | null;
  type: string | null;
  file?: string;
  server?: string;
  preview?: string;
  expired?: boolean;
}

/** Applies the alias's key layout (KEY_PREFIX, VERSION) to a listed row. */
export function toKeyView(row: KeyRow, cache: CacheConfig): KeyView {
  const parsed = row.raw !== null && !cache.customKeyFunction ? parseRawKey(row.raw, cache.keyPrefix) : null;
  const view: KeyView = {
    raw: row.raw,
    key: parsed?.key ?? null,
    version: parsed?.version ?? null,
    kind: row.kindHint ?? (parsed ? kindOfKey(parsed.key) : "key"),
    ttl: row.ttl ?? null,
    size: row.size ?? null,
    type: row.type ?? null,
  };
  if (row.file !== undefined) view.file = row.file;
  if (row.server !== undefined) view.server = row.server;
  if (row.preview !== undefined) view.preview = row.preview;
  if (row.expired !== undefined) view.expired = row.expired;
  return view;
}
