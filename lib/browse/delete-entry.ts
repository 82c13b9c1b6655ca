import { appendAudit } from "@/lib/audit/log";
import type { CacheBackend, EntryRef } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";

/** Deletes one entry and records it in the audit log, whether it worked or not. */
export async function deleteEntry(
  backend: CacheBackend,
  cache: CacheConfig,
  ref: EntryRef,
  actor: string,
  auditLog: string,
): Promise<number> {
  const record = { at: new Date().toISOString(), actor, action: "delete", alias: cache.alias, target: ref, dryRun: false, matched: null };
  try {
    const deleted = await backend.deleteEntries([ref]);
    await appendAudit(auditLog, { ...record, matched: deleted, deleted, outcome: deleted ? "deleted" : "absent" });
    return deleted;
  } catch (e) {
    await appendAudit(auditLog, { ...record, deleted: null, outcome: `failed: ${e instanceof Error ? e.message : String(e)}` });
    throw e;
  }
}
