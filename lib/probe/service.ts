import { analysisState } from "@/lib/analysis/service";
import type { AnalysisResult } from "@/lib/analysis/types";
import { AuditTrail } from "@/lib/audit/trail";
import type { Role } from "@/lib/auth/access";
import type { Person } from "@/lib/auth/django";
import { descriptorOf } from "@/lib/backends/registry";
import type { CacheBackend, EntryLimits } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import type { Job, JobRegistry } from "@/lib/jobs/registry";
import { DomainError } from "@/lib/shared/errors";
import type { ProbeRequest } from "./request";
import { CLIENT_COUNTS, PROBE_TTL_SECONDS, fullReason, liveAtOnce, probeRawPrefix, runProbe } from "./run";
import { probeSizes, type ProbeSizes } from "./sizes";

/**
 * The probe as a background job: refused before anything is written (409/429 beside another job, 503 without an audit
 * log), its intent on record before it writes, its outcome when it ends. Finished probes are kept per alias so two
 * runs can be compared.
 */

export const PROBE_KIND = "probe";
/** Finished probes kept per alias (in memory, like jobs). */
const KEEP_PER_ALIAS = 20;

const holder = globalThis as unknown as { __cachescopeProbes?: Map<string, Job[]> };

/** One map per process (Next may load this module in several bundles), like the job registry. */
function history(): Map<string, Job[]> {
  holder.__cachescopeProbes ??= new Map();
  return holder.__cachescopeProbes;
}

export interface ProbeContext {
  cache: CacheConfig;
  backend: CacheBackend;
  actor: string;
  role: Role;
  person?: Person;
  auditLog: string;
  registry: JobRegistry;
}

/** Why a cache cannot be probed; null when it can. */
export function probeRefusal(cache: CacheConfig, backend: CacheBackend | null): string | null {
  const descriptor = descriptorOf(cache);
  if (descriptor?.noProbe) return descriptor.noProbe;
  if (!backend) return cache.note ?? `${cache.backendPath} cannot be inspected, so it cannot be probed`;
  if (!backend.openProbeClient) {
    return `${cache.backendPath} with this LOCATION/OPTIONS cannot be probed yet (SASL memcached and sharded Redis have no probe client)`;
  }
  return null;
}

export async function startProbe(ctx: ProbeContext, req: ProbeRequest): Promise<Job> {
  const { cache, backend, actor, role, person, auditLog, registry } = ctx;
  const refused = probeRefusal(cache, backend);
  if (refused) throw new DomainError("not_probeable", refused);
  const by = person ? { actor, role, person } : { actor, role };
  // Exclusive: a purge running beside it would delete its keys (and it would write into a cache being emptied).
  const slot = registry.reserve({ alias: cache.alias, kind: PROBE_KIND, target: {}, by, exclusive: true, onePerCache: true });
  const target = {
    namespace: probeRawPrefix(cache, slot.id),
    keys: req.keys,
    clients: [...CLIENT_COUNTS],
    ttlSeconds: PROBE_TTL_SECONDS,
  };
  let trail: AuditTrail;
  try {
    trail = await AuditTrail.begin(auditLog, { ...by, action: PROBE_KIND, alias: cache.alias, target, job: slot.id });
  } catch (e) {
    slot.release();
    throw e;
  }
  const job = slot.start(
    async (ctl) => {
      let sizes: ProbeSizes;
      try {
        const limits: EntryLimits = backend.limits ? await backend.limits().catch(() => ({})) : {};
        const analysis = (analysisState(registry, cache.alias).job?.result as AnalysisResult | undefined) ?? null;
        sizes = await probeSizes(backend, cache, analysis, limits.itemSizeMax, ctl.signal);
        const live = liveAtOnce(sizes.sizes);
        const stats = backend.capabilities.serverStats ? await backend.stats().catch(() => null) : null;
        const full = fullReason(limits, stats, live.bytes, live.keys);
        if (full) throw new Error(`${full}: nothing was written`);
      } catch (e) {
        if (ctl.signal.aborted) ctl.error("cancelled while sizing the values: nothing was written");
        throw e;
      }
      return runProbe(backend, cache, {
        jobId: slot.id,
        keys: req.keys,
        sizes,
        signal: ctl.signal,
        onProgress: (p) => ctl.progress(p),
        onCleanup: (_c, summary) => ctl.error(summary),
      });
    },
    async (j) => {
      const kept = [j, ...(history().get(cache.alias) ?? [])].slice(0, KEEP_PER_ALIAS);
      history().set(cache.alias, kept);
      await trail.finish(j.state === "failed" ? `failed: ${j.errors.join("; ")}` : j.state, { matched: j.matched, deleted: j.deleted });
    },
  );
  // The job's target names its namespace, which holds the job's id: known only once the slot is held.
  job.target = target;
  return job;
}

/** The alias's finished probes, newest first, and the one running now. */
export function probeRuns(registry: JobRegistry, alias: string): { runs: Job[]; running: Job | null } {
  const running = registry.list(alias).find((j) => j.kind === PROBE_KIND && j.state === "running") ?? null;
  return { runs: history().get(alias) ?? [], running };
}
