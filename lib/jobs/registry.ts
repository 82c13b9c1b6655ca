import { randomBytes } from "node:crypto";
import { ApiError } from "@/lib/api/errors";

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
  /** Destructive jobs on one cache run one at a time: a second one is refused while the first runs. */
  exclusive: boolean;
  /** Called once when the job ends, whatever the outcome (the audit log hangs here). */
  onEnd?: (job: Readonly<Job>) => Promise<void> | void;
}

const KEEP_FINISHED = 200;

export class JobRegistry {
  private readonly jobs = new Map<string, { job: Job; abort: AbortController; exclusive: boolean }>();

  start(opts: StartOptions, run: (ctl: JobControl) => Promise<unknown>): Job {
    if (opts.exclusive) {
      const busy = [...this.jobs.values()].find((j) => j.job.alias === opts.alias && j.job.state === "running" && j.exclusive);
      if (busy) {
        throw new ApiError(409, "job_running", `a ${busy.job.kind} job (${busy.job.id}) is already running on cache "${opts.alias}": wait for it or cancel it first`);
      }
    }
    const job: Job = {
      id: randomBytes(8).toString("hex"),
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
          ctl.error(`recording the job failed: ${e instanceof Error ? e.message : String(e)}`);
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
    return [...this.jobs.values()].map((j) => j.job).filter((j) => alias === undefined || j.alias === alias).reverse();
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
