import type { KeyView } from "../types";

/** The query naming a listed row's entry: by file for FileBasedCache, else by the exact stored key. */
export function entryQuery(row: Pick<KeyView, "raw" | "file">): string {
  return row.file ? `file=${encodeURIComponent(row.file)}` : `raw=${encodeURIComponent(row.raw ?? "")}`;
}

/** The entry page of a listed row. */
export function entryHref(alias: string, row: Pick<KeyView, "raw" | "file">): string {
  return `/caches/${encodeURIComponent(alias)}/entry?${entryQuery(row)}`;
}
