import { AuditTrail } from "@/lib/audit/trail";
import type { Role } from "@/lib/auth/access";
import type { Person } from "@/lib/auth/django";
import type { CacheBackend, EntryRef } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";

export interface DeleteAnswer {
  deleted: number;
  /** The entry was deleted but its outcome could not be recorded (the intent was). */
  auditError?: string;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Deletes one entry, its intent on record first: an audit log that cannot be written refuses the delete (503,
 * AuditUnavailableError) and nothing is deleted. The outcome is recorded after, whether it worked or not.
 */
export async function deleteEntry(
  backend: CacheBackend,
  cache: CacheConfig,
  ref: EntryRef,
  who: { actor: string; role: Role; person?: Person },
  auditLog: string,
): Promise<DeleteAnswer> {
  const trail = await AuditTrail.begin(auditLog, { ...who, action: "delete", alias: cache.alias, target: ref });
  let deleted: number;
  try {
    deleted = await backend.deleteEntries([ref]);
  } catch (e) {
    await trail.finish(`failed: ${message(e)}`, { matched: null, deleted: null }).catch(() => undefined);
    throw e;
  }
  try {
    await trail.finish(deleted ? "deleted" : "absent", { matched: deleted, deleted });
  } catch (e) {
    console.error(`[cachescope] delete on ${cache.alias} done (${deleted}) but not recorded: ${message(e)}`);
    return { deleted, auditError: message(e) };
  }
  return { deleted };
}
