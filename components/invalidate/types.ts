/** Shapes of the invalidation answers as the pages read them (shared/API.md Invalidation): the server's types. */
import type { Job } from "@/lib/jobs/registry";

export type { DryRunResult } from "@/lib/invalidate/run";
export type { InvalidateRequest, Target, TargetKind } from "@/lib/invalidate/target";

/** A Job as JSON: its target is the request's object, its result (if any) may carry notes. */
export type JobView = Omit<Job, "target" | "result"> & { target: Record<string, unknown>; result?: { notes?: string[] } };
