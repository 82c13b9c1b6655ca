import { itemCount } from "@/lib/backends/server-stats";
import { appendAudit } from "@/lib/audit/log";
import { AuditTrail } from "@/lib/audit/trail";
import type { Role } from "@/lib/auth/access";
import type { Person } from "@/lib/auth/django";
import type { CacheBackend } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import type { Job, JobRegistry } from "@/lib/jobs/registry";
import { planFor } from "./plan";
import { dryRun, execute, type DryRunResult } from "./run";
import { targetKind, type InvalidateRequest, type TargetKind } from "./target";

/** Dry runs answered at once; deletions started as background jobs; both written to the audit log. */

export interface InvalidateContext {
  cache: CacheConfig;
  backend: CacheBackend;
  actor: string;
  role: Role;
  person?: Person;
  auditLog: string;
  registry: JobRegistry;
  /** Aborts a dry run (the request went away). A job has its own signal: closing the tab does not stop it. */
  signal?: AbortSignal;
}

export type InvalidateAnswer = { dryRun: true; result: DryRunResult } | { dryRun: false; job: Job };

/** Job kind and audit action of each target. */
export const ACTION: Record<TargetKind, string> = {
  prefix: "purge",
  url: "invalidate-url",
  fragment: "invalidate-fragment",
  keys: "delete-keys",
  clear: "clear",
  oldVersions: "purge-old-versions",
  expired: "purge-expired",
};

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function invalidate(ctx: InvalidateContext, req: InvalidateRequest): Promise<InvalidateAnswer> {
  const { cache, backend, actor, role, person, auditLog } = ctx;
  const plan = planFor({ config: cache, capabilities: backend.capabilities }, req);
  const action = ACTION[targetKind(req.target)];
  const target = { ...req.target, allVersions: req.allVersions };
  const by = person ? { actor, role, person } : { actor, role };
  const record = { ...by, action, alias: cache.alias, target };

  if (req.dryRun) {
    // Nothing is deleted: the record is kept when the log can take it, and a dry run is not refused when it cannot.
    const note = (entry: { matched: number | null; outcome: string }) =>
      appendAudit(auditLog, { at: new Date().toISOString(), ...record, dryRun: true, deleted: null, ...entry }).catch((e: unknown) =>
        console.error(`[cachescope] dry run not recorded: ${message(e)}`),
      );
    try {
      const result = await dryRun(backend, plan, { signal: ctx.signal });
      await note({ matched: result.matched, outcome: "dry run" });
      return { dryRun: true, result };
    } catch (e) {
      await note({ matched: null, outcome: `failed: ${message(e)}` });
      throw e;
    }
  }

  // The slot first (409/429 refuse before anything is written), then the intent (503 refuses before anything is deleted).
  const slot = ctx.registry.reserve({ alias: cache.alias, kind: action, target, by, exclusive: true });
  let trail: AuditTrail;
  try {
    trail = await AuditTrail.begin(auditLog, { ...record, job: slot.id });
  } catch (e) {
    slot.release();
    throw e;
  }
  let recorded = 0;
  const job = slot.start(
    async (ctl) => {
      const progress = { scanned: 0, matched: 0, deleted: 0 };
      try {
        const total = plan.mode === "scan" ? await itemCount(backend) : plan.raws.length;
        if (total !== null) ctl.progress({ total });
        await execute(
          backend,
          plan,
          {
            signal: ctl.signal,
            onProgress: (p) => ctl.progress({ ...p }),
            // Each batch that deleted something is on record before the next one starts; a failed write stops the job.
            onBatch: async (p) => {
              if (p.deleted === recorded) return;
              await trail.progress({ matched: p.matched, deleted: p.deleted });
              recorded = p.deleted;
            },
          },
          progress,
        );
      } finally {
        // Whatever happened, the job shows what was confirmed deleted up to that point.
        ctl.progress({ ...progress });
      }
      return plan.notes.length > 0 ? { notes: plan.notes } : undefined;
    },
    (j) => trail.finish(j.state === "failed" ? `failed: ${j.errors.join("; ")}` : j.state, { matched: j.matched, deleted: j.deleted }),
  );
  return { dryRun: false, job };
}
