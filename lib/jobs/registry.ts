import { randomBytes } from "node:crypto";
import type { Role } from "@/lib/auth/access";
import type { Person } from "@/lib/auth/django";
import { DomainError } from "@/lib/shared/errors";

/** Who started a job: shown in the Jobs list. */
export interface JobOwner {
  actor: string;
  role: Role;
  person?: Person;
}

export type JobState = "running" | "done" | "failed" | "cancelled";

/** shared/API.md Job. */
export interface Job {
  id: string;
  alias: string;
  kind: string;
  target: unknown;
  state: JobState;
  scanned: number;
  matched: number;
  deleted: number;
  /** Total to scan when known (for a progress bar), e.g. DBSIZE or a file count. */
  total?: number;
  errors: string[];
  startedAt: string;
  finishedAt: string | null;
  result?: unknown;
  /** Who started it (Cachescope addition to API.md's Job). */
  by?: JobOwner;
}

export interface JobControl {
  readonly signal: AbortSignal;
  readonly job: Readonly<Job>;
  progress(p: Partial<Pick<Job, "scanned" | "matched" | "deleted" | "total">>): void;
  error(message: string): void;
}

export interface StartOptions {
  alias: string;
  kind: string;
  target: unknown;
  by?: JobOwner;
  /** Destructive jobs on one cache run one at a time: a second one is refused while the first runs (409). */
  exclusive: boolean;
  /** At most one job of this kind per cache at a time (analyses): a second one is refused (429). */
  onePerCache?: boolean;
  /** Called once when the job ends, whatever the outcome (the audit log hangs here). */
  onEnd?: (job: Readonly<Job>) => Promise<void> | void;
}

const KEEP_FINISHED = 200;
/** Jobs running at once, all caches and kinds together: each holds connections and walks a keyspace. */
export const MAX_RUNNING_JOBS = 4;

/** A job slot held while the job gets ready to start (its audit intent is written): it counts against every cap. */
export interface Reservation {
  readonly id: string;
  /** Starts the job in the slot; onEnd, when given, replaces the one the slot was reserved with. */
  start(run: (ctl: JobControl) => Promise<unknown>, onEnd?: StartOptions["onEnd"]): Job;
  release(): void;
}

interface Slot {
  id: string;
  alias: string;
  kind: string;
  exclusive: boolean;
}

export class JobRegistry {
  private readonly jobs = new Map<string, { job: Job; abort: AbortController; exclusive: boolean }>();
  private readonly reserved = new Map<string, Slot>();

  constructor(readonly maxRunning: number = MAX_RUNNING_JOBS) {}

  private busySlots(): Slot[] {
    const running = [...this.jobs.values()]
      .filter((j) => j.job.state === "running")
      .map((j) => ({ id: j.job.id, alias: j.job.alias, kind: j.job.kind, exclusive: j.exclusive }));
    return [...running, ...this.reserved.values()];
  }

  /** Holds a slot for a job, or refuses: 409 beside a destructive job on the cache, 429 over a cap. */
  reserve(opts: StartOptions): Reservation {
    const busy = this.busySlots();
    if (opts.exclusive) {
      const other = busy.find((j) => j.alias === opts.alias && j.exclusive);
      if (other) {
        throw new DomainError(
          "job_running",
          `a ${other.kind} job (${other.id}) is already running on cache "${opts.alias}": wait for it or cancel it first`,
        );
      }
    }
    if (opts.onePerCache) {
      const same = busy.find((j) => j.alias === opts.alias && j.kind === opts.kind);
      if (same) {
        throw new DomainError(
          "too_many_jobs",
          `an ${opts.kind} job (${same.id}) is already running on cache "${opts.alias}": one at a time per cache; wait for it to finish or cancel it`,
        );
      }
    }
    if (busy.length >= this.maxRunning) {
      throw new DomainError(
        "too_many_jobs",
        `${busy.length} jobs are running, the most allowed at once (${this.maxRunning}): wait for one to finish or cancel one (GET /api/jobs lists them)`,
      );
    }
    const id = randomBytes(8).toString("hex");
    this.reserved.set(id, { id, alias: opts.alias, kind: opts.kind, exclusive: opts.exclusive });
    let used = false;
    return {
      id,
      start: (run, onEnd) => {
        if (used) throw new Error(`job slot ${id} was already used`);
        used = true;
        this.reserved.delete(id);
        return this.launch(id, onEnd ? { ...opts, onEnd } : opts, run);
      },
      release: () => {
        used = true;
        this.reserved.delete(id);
      },
    };
  }

  start(opts: StartOptions, run: (ctl: JobControl) => Promise<unknown>): Job {
    return this.reserve(opts).start(run);
  }

  private launch(id: string, opts: StartOptions, run: (ctl: JobControl) => Promise<unknown>): Job {
    const job: Job = {
      id,
      alias: opts.alias,
      kind: opts.kind,
      target: opts.target,
      state: "running",
      scanned: 0,
      matched: 0,
      deleted: 0,
      errors: [],
      startedAt: new Date().toISOString(),
      finishedAt: null,
      ...(opts.by ? { by: opts.by } : {}),
    };
    const abort = new AbortController();
    this.jobs.set(job.id, { job, abort, exclusive: opts.exclusive });
    const ctl: JobControl = {
      signal: abort.signal,
      job,
      progress: (p) => Object.assign(job, p),
      error: (m) => {
        if (job.errors.length < 100) job.errors.push(m);
      },
    };
    // Runs in the background: closing the browser tab does not stop it.
    void (async () => {
      try {
        const result = await run(ctl);
        if (result !== undefined) job.result = result;
        job.state = abort.signal.aborted ? "cancelled" : "done";
      } catch (e) {
        job.state = abort.signal.aborted ? "cancelled" : "failed";
        if (!abort.signal.aborted) ctl.error(e instanceof Error ? e.message : String(e));
      } finally {
        job.finishedAt = new Date().toISOString();
        try {
          await opts.onEnd?.(job);
        } catch (e) {
          const why = `recording the job's end failed: ${e instanceof Error ? e.message : String(e)}`;
          ctl.error(why);
          console.error(`[cachescope] job ${job.id} (${job.kind} on ${job.alias}, ${job.state}, ${job.deleted} deleted): ${why}`);
        }
        this.prune();
      }
    })();
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id)?.job;
  }

  list(alias?: string): Job[] {
    return [...this.jobs.values()]
      .map((j) => j.job)
      .filter((j) => alias === undefined || j.alias === alias)
      .reverse();
  }

  /** Asks a running job to stop; it ends as "cancelled" once its current batch is done. */
  cancel(id: string): Job | undefined {
    const entry = this.jobs.get(id);
    if (entry && entry.job.state === "running") entry.abort.abort();
    return entry?.job;
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.job.state !== "running");
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) {
      this.jobs.delete(j.job.id);
    }
  }
}

const holder = globalThis as unknown as { __cachescopeJobs?: JobRegistry };

/** One registry per process (Next may load this module in several bundles). */
export function jobs(): JobRegistry {
  holder.__cachescopeJobs ??= new JobRegistry();
  return holder.__cachescopeJobs;
}
