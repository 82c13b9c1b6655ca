/** Shapes of the invalidation answers as the pages read them (shared/API.md Invalidation). */
import type { DryRunResult } from "@/lib/invalidate/run";
import type { Job } from "@/lib/jobs/registry";

export type DryRunAnswer = DryRunResult;

/** A Job as JSON: its target is the request's object, its result (if any) may carry notes. */
export type JobView = Omit<Job, "target" | "result"> & { target: Record<string, unknown>; result?: { notes?: string[] } };

export type Action = "prefix" | "url" | "fragment" | "clear" | "expired";

/** The request body of POST /api/caches/{alias}/invalidate. */
export interface InvalidateBody {
  target: Record<string, unknown>;
  allVersions: boolean;
  dryRun: boolean;
}
