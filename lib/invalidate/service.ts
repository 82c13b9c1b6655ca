import { itemCount } from "@/lib/backends/server-stats";
import { appendAudit } from "@/lib/audit/log";
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
  const { cache, backend, actor, auditLog } = ctx;
  const plan = planFor({ config: cache, capabilities: backend.capabilities }, req);
  const action = ACTION[targetKind(req.target)];
  const target = { ...req.target, allVersions: req.allVersions };
  const record = { actor, action, alias: cache.alias, target };

  if (req.dryRun) {
    try {
      const result = await dryRun(backend, plan, { signal: ctx.signal });
      await appendAudit(auditLog, { at: new Date().toISOString(), ...record, dryRun: true, matched: result.matched, deleted: null, outcome: "dry run" });
      return { dryRun: true, result };
    } catch (e) {
      await appendAudit(auditLog, { at: new Date().toISOString(), ...record, dryRun: true, matched: null, deleted: null, outcome: `failed: ${message(e)}` });
      throw e;
    }
  }

  const job = ctx.registry.start(
    {
      alias: cache.alias,
      kind: action,
      target,
      exclusive: true,
      onEnd: (j) =>
        appendAudit(auditLog, {
          at: j.finishedAt ?? new Date().toISOString(),
          ...record,
          dryRun: false,
          matched: j.matched,
          deleted: j.deleted,
          outcome: j.state === "failed" ? `failed: ${j.errors.join("; ")}` : j.state,
        }),
    },
    async (ctl) => {
      const total = plan.mode === "scan" ? await itemCount(backend) : plan.raws.length;
      if (total !== null) ctl.progress({ total });
      const progress = { scanned: 0, matched: 0, deleted: 0 };
      try {
        await execute(backend, plan, { signal: ctl.signal, onProgress: (p) => ctl.progress({ ...p }) }, progress);
      } finally {
        // Whatever happened, the job shows what was confirmed deleted up to that point.
        ctl.progress({ ...progress });
      }
      return plan.notes.length > 0 ? { notes: plan.notes } : undefined;
    },
  );
  return { dryRun: false, job };
}
