import type { KeyItem } from "../types";

/** The entry page of a listed row: by file for FileBasedCache, else by the exact stored key. */
export function entryHref(alias: string, row: Pick<KeyItem, "raw" | "file">): string {
  const q = row.file ? `file=${encodeURIComponent(row.file)}` : `raw=${encodeURIComponent(row.raw ?? "")}`;
  return `/caches/${encodeURIComponent(alias)}/entry?${q}`;
}
