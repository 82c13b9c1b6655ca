import type { DeleteAnswer } from "@/lib/browse/delete-entry";
import { api } from "../api-client";

/** DELETE /api/caches/{alias}/entry with the entry's query (key, raw or file); the server records it in the audit log. */
export function deleteEntry(alias: string, query: string): Promise<DeleteAnswer> {
  return api<DeleteAnswer>(`/api/caches/${encodeURIComponent(alias)}/entry?${query}`, { method: "DELETE" });
}
