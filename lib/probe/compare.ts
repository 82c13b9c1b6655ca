import { kindOf } from "@/lib/backends/registry";
import { messageOf } from "@/lib/backends/errors";
import type { Job, JobRegistry } from "@/lib/jobs/registry";
import { namespacesAnswer } from "@/lib/namespaces/service";
import type { Latency, Saved } from "@/lib/namespaces/timing";
import { backendFor, getContext } from "@/lib/server/context";
import { probeRefusal, probeRuns } from "./service";

/** GET /api/compare: every configured cache side by side, its real traffic's latency and its probe runs. */

export interface RealTraffic {
  /** From the Django companion's timing; null: none in the window (reason says why). */
  latency: Latency | null;
  saved: Saved | null;
  reason?: string;
}

export interface CompareCache {
  alias: string;
  /** The backend kind ("unsupported" for a BACKEND Cachescope cannot inspect). */
  kind: string;
  backend: string;
  /** null: it can be probed; else why not (DummyCache stores nothing). */
  probeRefused: string | null;
  realTraffic: RealTraffic;
  /** Finished probes, newest first. */
  runs: Job[];
  running: Job | null;
}

export interface CompareAnswer {
  windowSeconds: number;
  caches: CompareCache[];
}

const NO_TIMING =
  "the Django companion's counters carry no timing in this window: a companion from before timing (tv 1), or no gets or sets yet";

async function realTraffic(alias: string, windowSeconds: number): Promise<RealTraffic> {
  try {
    const answer = await namespacesAnswer(alias, windowSeconds);
    // A field the answer lacks (a companion or console without timing) is "no data", never an error.
    const latency = answer.latency ?? null;
    const saved = answer.saved ?? null;
    if (latency) return { latency, saved };
    return { latency: null, saved, reason: answer.source === null ? (answer.reason ?? NO_TIMING) : NO_TIMING };
  } catch (e) {
    return { latency: null, saved: null, reason: `the companion's counters could not be read: ${messageOf(e)}` };
  }
}

export async function compareAnswer(registry: JobRegistry, windowSeconds: number): Promise<CompareAnswer> {
  const { caches } = getContext().config;
  const rows = await Promise.all(
    caches.map(async (cache): Promise<CompareCache> => {
      const { runs, running } = probeRuns(registry, cache.alias);
      return {
        alias: cache.alias,
        kind: kindOf(cache),
        backend: cache.backendPath,
        probeRefused: probeRefusal(cache, backendFor(cache)),
        realTraffic: await realTraffic(cache.alias, windowSeconds),
        runs,
        running,
      };
    }),
  );
  return { windowSeconds, caches: rows };
}
