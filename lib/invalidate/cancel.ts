import { AuditTrail } from "@/lib/audit/trail";
import type { Role } from "@/lib/auth/access";
import type { Person } from "@/lib/auth/django";
import type { Job, JobRegistry } from "@/lib/jobs/registry";

export interface Canceller {
  actor: string;
  role: Role;
  person?: Person;
}

/**
 * Asks a running job to stop, recording who asked before it is asked (the job's own end is recorded when it stops).
 * An audit log that cannot be written refuses the cancel (503), like every other change; the job then stops by
 * itself at its next batch, which it cannot record either. undefined when there is no such job; a finished job is
 * returned as it is, and nothing is recorded.
 */
export async function cancelJob(registry: JobRegistry, id: string, who: Canceller, auditLog: string): Promise<Job | undefined> {
  const found = registry.get(id);
  if (!found || found.state !== "running") return found;
  const trail = await AuditTrail.begin(auditLog, {
    ...who,
    action: "cancel",
    alias: found.alias,
    target: { job: found.id, kind: found.kind, target: found.target },
    job: found.id,
  });
  const job = registry.cancel(id);
  await trail
    .finish("cancel requested", { matched: job?.matched ?? null, deleted: job?.deleted ?? null })
    .catch((e: unknown) =>
      console.error(`[cachescope] cancel of job ${id} requested but not recorded: ${e instanceof Error ? e.message : String(e)}`),
    );
  return job;
}
