import type { CacheBackend } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import type { Job, JobRegistry } from "@/lib/jobs/registry";
import type { AnalysisRequest } from "./request";
import { analyse } from "./run";

/** Analyses run as background jobs; the last finished one of each alias is kept so its page shows it again. */

export const ANALYSIS_KIND = "analysis";

const holder = globalThis as unknown as { __cachescopeAnalyses?: Map<string, Job> };

/** One map per process (Next may load this module in several bundles), like the job registry. */
function latest(): Map<string, Job> {
  holder.__cachescopeAnalyses ??= new Map();
  return holder.__cachescopeAnalyses;
}

export function startAnalysis(registry: JobRegistry, cache: CacheConfig, backend: CacheBackend, req: AnalysisRequest): Job {
  return registry.start(
    {
      alias: cache.alias,
      kind: ANALYSIS_KIND,
      target: req.sample !== undefined ? { sample: req.sample } : { full: true },
      // Read-only: it may run beside a purge, but one per cache (a second would only repeat the walk).
      exclusive: false,
      onePerCache: true,
      onEnd: (job) => {
        if (job.state === "done") latest().set(cache.alias, job);
      },
    },
    (ctl) => analyse(backend, cache, { sample: req.sample, signal: ctl.signal, onProgress: (p) => ctl.progress(p) }),
  );
}

/** The latest finished analysis of an alias, and the one running now if any. */
export function analysisState(registry: JobRegistry, alias: string): { job: Job | null; running: Job | null } {
  const running = registry.list(alias).find((j) => j.kind === ANALYSIS_KIND && j.state === "running") ?? null;
  return { job: latest().get(alias) ?? null, running };
}
