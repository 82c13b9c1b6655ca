import { appendAudit } from "@/lib/audit/log";
import type { Job, JobRegistry } from "@/lib/jobs/registry";

/**
 * Asks a running job to stop and records who asked (the job's own end is recorded when it stops).
 * undefined when there is no such job; a finished job is returned as it is, and nothing is recorded.
 */
export async function cancelJob(registry: JobRegistry, id: string, actor: string, auditLog: string): Promise<Job | undefined> {
  const running = registry.get(id)?.state === "running";
  const job = registry.cancel(id);
  if (job && running) {
    await appendAudit(auditLog, {
      at: new Date().toISOString(),
      actor,
      action: "cancel",
      alias: job.alias,
      target: { job: job.id, kind: job.kind, target: job.target },
      dryRun: false,
      matched: job.matched,
      deleted: job.deleted,
      outcome: "cancel requested",
    });
  }
  return job;
}
