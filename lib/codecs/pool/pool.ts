import os from "node:os";
import { Worker, type WorkerOptions } from "node:worker_threads";
import { undecodable } from "../decode";
import type { DecodedEntry, DecodeHint, DecodeLimits, LimitHit } from "../types";
import type { DecodeReply, DecodeRequest } from "./protocol";

/**
 * Decodes stored values on worker threads, so no value, however hostile, blocks the server's event loop. Each decode
 * gets a wall-clock limit and each worker a heap limit (resourceLimits); a worker that overruns either is ended and
 * a new one takes its place. Waiting decodes queue up to a bound; past it a decode answers "busy" at once.
 * Whatever happens, a decode answers with a DecodedEntry (an "undecodable" one naming the limit), never a rejection.
 *
 * Plain node:worker_threads rather than piscina/tinypool: what this pool is about (a per-task wall-clock limit that
 * ends the thread, replacement, a bounded queue that answers instead of rejecting) is most of its ~200 lines, and
 * a library would still need the same worker file. That file must be real JavaScript at run time: Next.js 16's
 * Turbopack copies `new URL("./x", import.meta.url)` files as assets but does not compile them, so the worker is
 * bundled ahead of time (build-worker.mjs → decode-worker.cjs, written before every build and test run).
 */

export interface PoolOptions {
  /** Worker threads at most. */
  size: number;
  /** Wall-clock limit of one decode, from the moment a worker takes it. */
  timeoutMs: number;
  /** V8 heap of a worker (old generation + young generation), in MiB. */
  heapMb: number;
  /** Decodes waiting for a worker at most. */
  maxQueue: number;
  /** Starts a worker with these options (tests start workers that misbehave on purpose). */
  spawn?: (options: WorkerOptions) => Worker;
}

export interface DecodeOptions {
  /** A shorter or longer wall-clock limit for this decode. */
  timeoutMs?: number;
}

export const DEFAULT_POOL: Omit<PoolOptions, "spawn"> = {
  size: Math.max(1, Math.min(2, os.availableParallelism())),
  timeoutMs: 2000,
  heapMb: 256,
  maxQueue: 64,
};

function spawnDecodeWorker(options: WorkerOptions): Worker {
  // decode-worker.cjs is worker.ts bundled (build-worker.mjs): plain JavaScript that Next.js's bundler copies as an
  // asset and points this URL at; under vitest the URL is the file itself.
  return new Worker(new URL("./decode-worker.cjs", import.meta.url), options);
}

/** Bytes kept on this side for an answer without the worker: a FileBasedCache expiry is in the first few. */
const HEAD_BYTES = 64;

interface Task {
  request: DecodeRequest;
  /** The first bytes: the request's own are transferred to the worker. */
  head: Uint8Array;
  timeoutMs: number;
  resolve: (entry: DecodedEntry) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  timer: NodeJS.Timeout | null;
  /** Set once the slot is given up (ended or crashed): late events from its worker are ignored. */
  gone: boolean;
  /** The worker has started: until then a task's time limit waits, so a loaded machine's slow start is not the value's fault. */
  online: boolean;
}

/** How long a new worker may take to start before its first task is given up (bounded, so a worker that never starts cannot hang a decode). */
const STARTUP_MS = 15_000;

export interface PoolStats {
  workers: number;
  busy: number;
  queued: number;
  /** Workers ended for a limit or lost to a crash, since the pool started. */
  replaced: number;
}

export class DecodePool {
  private readonly options: PoolOptions;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 0;
  private replaced = 0;
  private closed = false;

  constructor(options: Partial<PoolOptions> = {}) {
    this.options = { ...DEFAULT_POOL, ...options };
  }

  /** Decodes off the event loop; always resolves (limits and crashes become an "undecodable" entry). */
  decode(bytes: Uint8Array, hint: DecodeHint, limits?: Partial<DecodeLimits>, opts: DecodeOptions = {}): Promise<DecodedEntry> {
    if (this.closed) return Promise.resolve(undecodable(bytes, hint, "the decode pool is closed"));
    if (this.queue.length >= this.options.maxQueue) {
      const message = `${this.queue.length} decodes are already waiting (maxQueue); try again in a moment`;
      return Promise.resolve(undecodable(bytes, hint, `busy limit: ${message}`, { kind: "busy", message }));
    }
    // A copy of exactly these bytes, transferred: a view's whole underlying buffer would otherwise be cloned. (Not
    // slice(): on a Node Buffer that is a view, and transferring its buffer would detach the caller's bytes.)
    const copy = new Uint8Array(bytes);
    const request: DecodeRequest = { id: ++this.nextId, bytes: copy, hint, limits };
    return new Promise((resolve) => {
      this.queue.push({
        request,
        head: new Uint8Array(bytes.subarray(0, HEAD_BYTES)),
        timeoutMs: opts.timeoutMs ?? this.options.timeoutMs,
        resolve,
      });
      this.pump();
    });
  }

  get stats(): PoolStats {
    return {
      workers: this.slots.length,
      busy: this.slots.filter((s) => s.task !== null).length,
      queued: this.queue.length,
      replaced: this.replaced,
    };
  }

  /** Ends every worker; waiting and running decodes answer "closed". */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.resolve(this.failure(task, "the decode pool is closed"));
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot, "the decode pool is closed")));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const slot = this.slots.find((s) => s.task === null) ?? (this.slots.length < this.options.size ? this.spawn() : null);
      if (slot === null) return;
      const task = this.queue.shift() as Task;
      slot.task = task;
      slot.worker.ref();
      this.arm(slot, task, slot.online ? task.timeoutMs : STARTUP_MS + task.timeoutMs);
      slot.worker.postMessage(task.request, [task.request.bytes.buffer as ArrayBuffer]);
    }
  }

  private arm(slot: Slot, task: Task, ms: number): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      const message = `decoding took longer than ${task.timeoutMs} ms; the worker was ended`;
      void this.retire(slot, `time limit: ${message}`, { kind: "time", message });
    }, ms);
  }

  private spawn(): Slot {
    const heap = this.options.heapMb;
    const young = Math.max(4, Math.min(32, Math.floor(heap / 8)));
    const options: WorkerOptions = {
      resourceLimits: { maxOldGenerationSizeMb: heap - young, maxYoungGenerationSizeMb: young, stackSizeMb: 4 },
      // The server's environment (tokens, passwords in CACHES) has no business in a decoder.
      env: {},
      stdout: false,
      stderr: false,
    };
    const worker = (this.options.spawn ?? spawnDecodeWorker)(options);
    const slot: Slot = { worker, task: null, timer: null, gone: false, online: false };
    worker.once("online", () => {
      slot.online = true;
      // A task handed over while the worker was starting gets its whole time limit from now.
      if (!slot.gone && slot.task !== null) this.arm(slot, slot.task, slot.task.timeoutMs);
    });
    worker.on("message", (reply: DecodeReply) => {
      const task = slot.task;
      if (slot.gone || task === null || reply.id !== task.request.id) return;
      this.release(slot);
      // An idle worker must not keep the process alive.
      worker.unref();
      task.resolve("entry" in reply ? reply.entry : this.failure(task, `the decoder failed: ${reply.failure}`));
      this.pump();
    });
    worker.on("error", (err: Error & { code?: string }) => {
      if (err.code === "ERR_WORKER_OUT_OF_MEMORY") {
        const message = `decoding needed more than the worker's ${heap} MiB heap; the worker was ended`;
        void this.retire(slot, `memory limit: ${message}`, { kind: "memory", message });
      } else void this.retire(slot, `the decoder crashed: ${err.message}`);
    });
    worker.on("exit", (code) => void this.retire(slot, `the decoder exited (code ${code})`));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private release(slot: Slot): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
  }

  /** Gives a slot up: its task (if any) answers with `error`, its worker is ended, and the queue moves on. */
  private async retire(slot: Slot, error: string, limit?: LimitHit): Promise<void> {
    if (slot.gone) return;
    slot.gone = true;
    const task = slot.task;
    this.release(slot);
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    if (!this.closed) this.replaced++;
    task?.resolve(this.failure(task, error, limit));
    this.pump();
    await slot.worker.terminate();
  }

  private failure(task: Task, error: string, limit?: LimitHit): DecodedEntry {
    return undecodable(task.head, task.request.hint, error, limit);
  }
}

const SHARED = Symbol.for("cachescope.decodePool");

/** The server's one pool (kept on globalThis: Next.js may load this module once per route bundle). */
export function decodePool(): DecodePool {
  const g = globalThis as { [SHARED]?: DecodePool };
  g[SHARED] ??= new DecodePool();
  return g[SHARED];
}
