import type { Job } from "@/lib/jobs/registry";
import type { ProbeResult } from "@/lib/probe/run";

export type { CompareAnswer, CompareCache, RealTraffic } from "@/lib/probe/compare";
export type { OpFigures } from "@/lib/probe/figures";
export type { ProbeResult, ProbeRun } from "@/lib/probe/run";
export type { LatencySummary } from "@/lib/namespaces/timing";

/** A probe job as the API answers it (its result is there once it is done). */
export type ProbeJob = Omit<Job, "result"> & { result?: ProbeResult };
