import { randomBytes } from "node:crypto";
import { messageOf } from "@/lib/backends/errors";
import type { CacheBackend, EntryLimits, ProbeClient, StatsSnapshot } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { opFigures, type OpFigures } from "./figures";
import type { ProbeSize, ProbeSizes } from "./sizes";

/**
 * The probe: for each size this cache stores and at 1 and 8 concurrent clients, it writes, reads back and deletes
 * values under a reserved namespace, timing every call on the monotonic clock (performance.now(): an NTP step does not
 * move it). Keys go in rounds, so at most one round's values are live at once; whatever it wrote and did not delete is
 * deleted at the end whatever happened (failure, cancel), and every key it ever used is then checked to be gone.
 */

/** The reserved namespace: a Django key "cachescope-probe:<job id>:<n>" under the alias's KEY_PREFIX and VERSION. */
export const PROBE_NAMESPACE = "cachescope-probe";
/** Short: a probe key the clean-up could not delete (the server went away) is gone by itself soon after. */
export const PROBE_TTL_SECONDS = 60;
export const CLIENT_COUNTS = [1, 8] as const;
export const DEFAULT_KEYS = 200;
export const MIN_KEYS = 16;
export const MAX_KEYS = 5000;
/** Keys written before they are read and deleted: bounds what is live at once (with MAX_LIVE_BYTES). */
const ROUND_KEYS = 64;
const MAX_LIVE_BYTES = 32 * 1024 * 1024;
/** Deletes and checks of the clean-up sent at once. */
const CLEANUP_PARALLEL = 32;

/** The Django key of probe key n, as default_key_func builds it: "{KEY_PREFIX}:{VERSION}:{key}". */
export function probeRawPrefix(config: Pick<CacheConfig, "keyPrefix" | "version">, jobId: string): string {
  return `${config.keyPrefix}:${config.version}:${PROBE_NAMESPACE}:${jobId}:`;
}

export interface ProbeRun {
  clients: number;
  size: ProbeSize;
  set: OpFigures;
  get: OpFigures;
  delete: OpFigures;
  /** Gets that found nothing right after their set: the cache evicted or refused to keep them. */
  misses: number;
}

export interface ProbeCleanup {
  /** Keys the probe tried to write (a SET that failed counts: it may have landed). */
  written: number;
  /** Of them, deleted by the clean-up (the rest by the probe's own delete phase). */
  deletedByCleanup: number;
  /** Probe keys found after the clean-up, every key checked by an exact read; null when the check could not run. */
  leftBehind: number | null;
  error?: string;
}

export interface ProbeResult {
  namespace: string;
  ttlSeconds: number;
  keysPerRun: number;
  sizes: ProbeSizes;
  runs: ProbeRun[];
  cleanup: ProbeCleanup;
  durationMs: number;
}

export interface ProbeProgress {
  /** Operations done. */
  scanned: number;
  /** Keys written. */
  matched: number;
  /** Keys deleted. */
  deleted: number;
  total: number;
}

export interface ProbeOptions {
  jobId: string;
  keys: number;
  sizes: ProbeSizes;
  signal?: AbortSignal;
  onProgress?: (p: ProbeProgress) => void;
  /** What the clean-up did when the probe failed or was cancelled (the job's errors carry it). */
  onCleanup?: (cleanup: ProbeCleanup, summary: string) => void;
}

/** A probe that failed: the reason, with what the clean-up did. */
export class ProbeFailed extends Error {
  constructor(
    readonly reason: string,
    readonly cleanup: ProbeCleanup,
  ) {
    super(`${reason} (${cleanupSummary(cleanup)})`);
    this.name = "ProbeFailed";
  }
}

export function cleanupSummary(c: ProbeCleanup): string {
  const deleted = `clean-up: ${c.written} probe keys written, ${c.deletedByCleanup} deleted by the clean-up`;
  if (c.leftBehind === null) {
    return `${deleted}; could not check what is left (${c.error ?? "unknown"}): any probe key left expires within ${PROBE_TTL_SECONDS} s`;
  }
  return c.leftBehind === 0
    ? `${deleted}; none left behind`
    : `${deleted}; ${c.leftBehind} LEFT BEHIND (they expire within ${PROBE_TTL_SECONDS} s)`;
}

/**
 * Refuses a cache whose writes would push out real entries: FileBasedCache at MAX_ENTRIES (Django's next set() would
 * cull a third of the cache), a server whose memory the probe's live values would overflow (it would evict, or refuse).
 */
export function fullReason(limits: EntryLimits, stats: StatsSnapshot | null, liveBytes: number, liveKeys: number): string | null {
  if (limits.maxEntries !== undefined && limits.entries !== undefined && limits.entries + liveKeys > limits.maxEntries) {
    return `the cache is full: ${limits.entries} entries of MAX_ENTRIES ${limits.maxEntries}; the probe's ${liveKeys} files would make Django's next set() cull real entries`;
  }
  for (const s of stats?.servers ?? []) {
    if (s.ok && s.maxBytes !== null && s.maxBytes > 0 && s.bytes !== null && s.bytes + liveBytes > s.maxBytes) {
      return `the cache is full: ${s.server} uses ${s.bytes} of its ${s.maxBytes} bytes; the probe's ${liveBytes} bytes would evict real entries or be refused`;
    }
  }
  return null;
}

function roundKeys(size: number): number {
  return Math.max(CLIENT_COUNTS[CLIENT_COUNTS.length - 1], Math.min(ROUND_KEYS, Math.floor(MAX_LIVE_BYTES / size)));
}

/** The most the probe holds in the cache at once: one round of its largest size. */
export function liveAtOnce(sizes: readonly ProbeSize[]): { keys: number; bytes: number } {
  let most = { keys: 0, bytes: 0 };
  for (const s of sizes) {
    const keys = roundKeys(s.bytes);
    if (keys * s.bytes > most.bytes) most = { keys, bytes: keys * s.bytes };
  }
  return most;
}

interface Phase {
  durations: number[];
  wallMs: number;
}

/**
 * Runs `op` once per key, the keys dealt round-robin to the clients, each client one call at a time (as a Django
 * process does). Every call settles before the phase returns, so the clean-up never races a call still in flight.
 */
async function phase(
  clients: ProbeClient[],
  keys: string[],
  into: Phase,
  op: (c: ProbeClient, key: string) => Promise<void>,
  signal?: AbortSignal,
) {
  let failure: { error: unknown } | null = null;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, i) => {
      for (let k = i; k < keys.length && failure === null; k += clients.length) {
        if (signal?.aborted) return;
        const t0 = performance.now();
        try {
          await op(client, keys[k]);
        } catch (error) {
          failure ??= { error };
          return;
        }
        into.durations.push(performance.now() - t0);
      }
    }),
  );
  into.wallMs += performance.now() - started;
  if (failure !== null) throw (failure as { error: unknown }).error;
  signal?.throwIfAborted();
}

async function inParallel<T>(items: T[], each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CLEANUP_PARALLEL) await Promise.all(items.slice(i, i + CLEANUP_PARALLEL).map(each));
}

/** Deletes what is still written, then reads every key the probe used: none may be there. */
async function cleanUp(backend: CacheBackend, written: Set<string>, used: string[], total: number): Promise<ProbeCleanup> {
  const result: ProbeCleanup = { written: total, deletedByCleanup: 0, leftBehind: null };
  let client: ProbeClient | null = null;
  try {
    client = (backend.openProbeClient as () => ProbeClient).call(backend);
    const c = client;
    await inParallel([...written], async (key) => {
      await c.delete(key);
      written.delete(key);
      result.deletedByCleanup++;
    });
    let left = 0;
    await inParallel(used, async (key) => {
      if (await c.get(key)) left++;
    });
    result.leftBehind = left;
  } catch (e) {
    result.error = messageOf(e);
  } finally {
    await client?.close().catch(() => undefined);
  }
  return result;
}

export async function runProbe(backend: CacheBackend, config: CacheConfig, opts: ProbeOptions): Promise<ProbeResult> {
  if (!backend.openProbeClient) throw new Error(`${config.backendPath} has no probe client`);
  const open = () => (backend.openProbeClient as () => ProbeClient).call(backend);
  const started = performance.now();
  const { signal, sizes } = opts;
  const prefix = probeRawPrefix(config, opts.jobId);
  const progress: ProbeProgress = { scanned: 0, matched: 0, deleted: 0, total: sizes.sizes.length * CLIENT_COUNTS.length * opts.keys * 3 };
  const report = () => opts.onProgress?.({ ...progress });
  report();
  // Written and not yet confirmed deleted: a key goes in before its SET is sent (a SET that timed out may still land).
  const written = new Set<string>();
  const used: string[] = [];
  const runs: ProbeRun[] = [];
  let failure: unknown = null;
  try {
    for (const size of sizes.sizes) {
      // Incompressible, so FileBasedCache's zlib stores the size asked for.
      const payload = randomBytes(size.bytes);
      const round = roundKeys(size.bytes);
      for (const clients of CLIENT_COUNTS) {
        const pool = Array.from({ length: clients }, open);
        const set: Phase = { durations: [], wallMs: 0 };
        const get: Phase = { durations: [], wallMs: 0 };
        const del: Phase = { durations: [], wallMs: 0 };
        let misses = 0;
        try {
          for (let done = 0; done < opts.keys; done += round) {
            const keys = Array.from({ length: Math.min(round, opts.keys - done) }, (_, i) => `${prefix}${used.length + i}`);
            for (const key of keys) used.push(key);
            await phase(
              pool,
              keys,
              set,
              async (c, key) => {
                written.add(key);
                await c.set(key, payload, PROBE_TTL_SECONDS);
                progress.matched++;
                progress.scanned++;
              },
              signal,
            );
            report();
            await phase(
              pool,
              keys,
              get,
              async (c, key) => {
                if (!(await c.get(key))) misses++;
                progress.scanned++;
              },
              signal,
            );
            report();
            await phase(
              pool,
              keys,
              del,
              async (c, key) => {
                await c.delete(key);
                written.delete(key);
                progress.deleted++;
                progress.scanned++;
              },
              signal,
            );
            report();
          }
        } finally {
          await Promise.all(pool.map((c) => c.close().catch(() => undefined)));
        }
        runs.push({
          clients,
          size,
          set: opFigures(set.durations, set.wallMs),
          get: opFigures(get.durations, get.wallMs),
          delete: opFigures(del.durations, del.wallMs),
          misses,
        });
      }
    }
  } catch (e) {
    failure = e;
  }
  const cleanup = await cleanUp(backend, written, used, used.length);
  progress.deleted += cleanup.deletedByCleanup;
  report();
  if (failure !== null || signal?.aborted) {
    opts.onCleanup?.(cleanup, cleanupSummary(cleanup));
    if (signal?.aborted) throw signal.reason ?? new Error("cancelled");
    throw new ProbeFailed(messageOf(failure), cleanup);
  }
  return {
    namespace: prefix,
    ttlSeconds: PROBE_TTL_SECONDS,
    keysPerRun: opts.keys,
    sizes,
    runs,
    cleanup,
    durationMs: Math.round(performance.now() - started),
  };
}
