import type { AnalysisResult } from "@/lib/analysis/types";
import type { JobView } from "../invalidate/types";

/** A Job (shared/API.md) whose result is an analysis. */
export type AnalysisJob = Omit<JobView, "result"> & { result?: AnalysisResult };

/** GET /api/caches/{alias}/analysis. */
export interface AnalysisState {
  job: AnalysisJob | null;
  running: AnalysisJob | null;
}
