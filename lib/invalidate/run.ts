import { BackendError } from "@/lib/backends/errors";
import type { CacheBackend, KeyRow } from "@/lib/backends/types";
import { withoutCounterRows } from "@/lib/namespaces/format";
import type { Plan, ScanSpec } from "./plan";

/**
 * Runs a plan against a backend: a dry run (count, bytes, sample, nothing deleted) or the deletion itself.
 * The deletion walks with the backend's iterate() (Redis: SCAN with a large COUNT, never KEYS) and deletes each
 * batch of matches with deleteListed (Redis: UNLINK, DEL before 4.0) while the next SCAN is already under way.
 */

/**
 * Keys per SCAN call / listing batch: a purge is a hundred round trips per million keys. Redis's SCAN walk is most of
 * a purge's time whatever the COUNT; a bigger COUNT halves the round trips around it (bench/redis-purge.ts), and
 * MAX_SCAN_COUNT (redis/scan.ts) is the most one call may walk.
 */
export const SCAN_BATCH = 10_000;
/** Keys per delete call. The calls of one batch are pipelined; each counts on its own, so a failure leaves `deleted` exact. */
export const DELETE_CHUNK = 500;
const SAMPLE = 20;
/** Exact keys read at once in a dry run. */
const READ_PARALLEL = 50;

export interface Progress {
  scanned: number;
  matched: number;
  deleted: number;
}

export interface DryRunResult {
  matched: number;
  bytes: number;
  /** Matches whose size the backend could not tell (counted as 0 in bytes). */
  bytesUnknown: number;
  sample: string[];
  notes: string[];
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Called after every batch with the running totals. */
  onProgress?: (p: Readonly<Progress>) => void;
  /**
   * Awaited after every batch that was deleted, before the next one is looked at: where a deletion keeps its record
   * (the audit trail). A throw stops the deletion there.
   */
  onBatch?: (p: Readonly<Progress>) => Promise<void>;
}

function rowName(row: KeyRow): string {
  return row.raw ?? `${row.file ?? "?"}.djcache`;
}

/**
 * Walks one scan of the plan, calling `each` with every batch of accepted rows. Backends that report what they walked
 * (onScanned) give `scanned`; for the others it is the rows they handed over.
 */
async function walk(
  backend: CacheBackend,
  scan: ScanSpec,
  withSizes: boolean,
  /** A deletion walks again from the start after a failover (what it deleted is gone); a dry run's counts would double. */
  deleting: boolean,
  progress: Progress,
  opts: RunOptions,
  each: (rows: KeyRow[]) => Promise<void>,
): Promise<void> {
  const { signal, onProgress } = opts;
  let reported = false;
  const onScanned = (n: number) => {
    reported = true;
    progress.scanned += n;
    // A sparse prefix yields nothing for long stretches: the walk itself still shows.
    onProgress?.(progress);
  };
  for await (const rows of backend.iterate({
    prefix: scan.rawPrefix,
    batch: SCAN_BATCH,
    withSizes,
    signal,
    onScanned,
    restartOnFailover: deleting,
  })) {
    if (!reported) progress.scanned += rows.length;
    await each(withoutCounterRows(rows).filter(scan.accept));
    signal?.throwIfAborted();
  }
}

export async function dryRun(backend: CacheBackend, plan: Plan, opts: RunOptions = {}): Promise<DryRunResult> {
  const result: DryRunResult = { matched: 0, bytes: 0, bytesUnknown: 0, sample: [], notes: [...plan.notes] };
  const progress: Progress = { scanned: 0, matched: 0, deleted: 0 };
  const take = (row: KeyRow) => {
    result.matched++;
    if (typeof row.size === "number") result.bytes += row.size;
    else result.bytesUnknown++;
    if (result.sample.length < SAMPLE) result.sample.push(rowName(row));
  };
  if (plan.mode === "scan") {
    for (const scan of plan.scans) {
      await walk(backend, scan, true, false, progress, { signal: opts.signal }, async (rows) => rows.forEach(take));
    }
    return result;
  }
  for (let i = 0; i < plan.raws.length; i += READ_PARALLEL) {
    opts.signal?.throwIfAborted();
    const raws = plan.raws.slice(i, i + READ_PARALLEL);
    // One byte of value is enough: a read tells whether the key exists and how big it is.
    const entries = await Promise.all(raws.map((raw) => backend.readEntry({ raw }, 1)));
    entries.forEach((entry, j) => {
      if (entry) take({ raw: raws[j], size: entry.size });
    });
  }
  return result;
}

/**
 * Deletes one batch in pipelined chunks. Each chunk's count is added as soon as it is known; if any chunk failed,
 * the first failure is thrown after the others settled, so `deleted` holds exactly what the server confirmed.
 */
async function deleteChunked<T>(items: T[], del: (chunk: T[]) => Promise<number>, progress: Progress): Promise<void> {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += DELETE_CHUNK) chunks.push(items.slice(i, i + DELETE_CHUNK));
  const settled = await Promise.allSettled(
    chunks.map(async (chunk) => {
      // Not `progress.deleted += await ...`: that reads `deleted` before the await and loses concurrent chunks.
      try {
        const n = await del(chunk);
        progress.deleted += n;
      } catch (err) {
        // A chunk spread over several servers (a cluster's nodes) may have been deleted in part before one failed.
        if (err instanceof BackendError && err.done !== undefined) progress.deleted += err.done;
        throw err;
      }
    }),
  );
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
}

/** Deletes what the plan selects; resolves with the totals, or throws (AbortError on cancel) with `progress` current. */
export async function execute(
  backend: CacheBackend,
  plan: Plan,
  opts: RunOptions = {},
  progress: Progress = { scanned: 0, matched: 0, deleted: 0 },
): Promise<Progress> {
  const report = () => opts.onProgress?.(progress);
  if (plan.mode === "scan") {
    for (const scan of plan.scans) {
      await walk(backend, scan, scan.needsMeta === true, true, progress, opts, async (rows) => {
        progress.matched += rows.length;
        try {
          if (rows.length > 0) await deleteChunked(rows, (chunk) => backend.deleteListed(chunk), progress);
        } finally {
          report();
        }
        await opts.onBatch?.(progress);
      });
    }
    return progress;
  }
  for (let i = 0; i < plan.raws.length; i += DELETE_CHUNK * 10) {
    opts.signal?.throwIfAborted();
    const refs = plan.raws.slice(i, i + DELETE_CHUNK * 10).map((raw) => ({ raw }));
    progress.scanned += refs.length;
    const before = progress.deleted;
    try {
      await deleteChunked(refs, (chunk) => backend.deleteEntries(chunk), progress);
    } finally {
      // Exact keys are not listed first: the ones that existed are the ones deleted.
      progress.matched += progress.deleted - before;
      report();
    }
    await opts.onBatch?.(progress);
  }
  return progress;
}
