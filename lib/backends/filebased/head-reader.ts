import os from "node:os";
import { Worker } from "node:worker_threads";

/**
 * Reads the head (and size) of many cache files on worker threads.
 *
 * Why threads: listing 20k entries with their expiry is 20k open/read/close calls. Through libuv's async fs that is
 * ~4 callbacks per file on the main thread (slower than Django's own loop); synchronous calls are fast (~6 µs a file)
 * but would block the server's event loop. Workers run the synchronous loop off the main thread, on every core.
 *
 * The worker is plain JavaScript evaluated from a string so it needs no separate build step (Next.js bundles
 * server code; a worker file path would not survive that). It only does I/O and copies bytes: parsing the expiry
 * pickle stays in TypeScript on the main thread (lib/codecs). Only regular files are read: a symlink under an entry's
 * name is reported missing (never followed), like a file that vanished.
 */

/** Bytes of each file kept for the expiry pickle (Django's is 4 or 15 bytes). */
export const HEAD_BYTES = 32;

export const STATUS_OK = 0;
export const STATUS_MISSING = 1;
export const STATUS_ERROR = 2;

export interface HeadBatch {
  /** STATUS_* per file. */
  status: Uint8Array;
  /** File size in bytes. */
  sizes: Float64Array;
  /** modes "stat" and "access": mtime in ms. */
  mtimes: Float64Array;
  /** mode "access" only: atime in ms, taken before the file is read. */
  atimes: Float64Array;
  /** mode "head" only: HEAD_BYTES per file, of which headLens[i] are valid. */
  heads: Uint8Array;
  headLens: Uint8Array;
}

/** "access": "head" plus atime and mtime, from an fstat before the read, the file opened O_NOATIME where allowed. */
export type ReadMode = "head" | "stat" | "access";

interface Request {
  dir: string;
  names: string[];
  mode: ReadMode;
}

const WORKER_SOURCE = `
"use strict";
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const HEAD = ${HEAD_BYTES};
// Reading one small block tells the size of every file shorter than it without an fstat call.
const BLOCK = 4096;
// O_NOFOLLOW: an entry name that is a symlink (to /etc/passwd, say) is never read through; it counts as absent.
const FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK || 0) | fs.constants.O_NOFOLLOW;
// O_NOATIME (Linux, owner or CAP_FOWNER only): measuring access times must not change them; EPERM: opened without.
const NOATIME = fs.constants.O_NOATIME || 0;
let noatime = NOATIME !== 0;
function openRead(file, access) {
  if (access && noatime) {
    try {
      return fs.openSync(file, FLAGS | NOATIME);
    } catch (err) {
      if (!err || err.code !== "EPERM") throw err;
      noatime = false;
    }
  }
  return fs.openSync(file, FLAGS);
}
const block = Buffer.allocUnsafe(BLOCK);
parentPort.on("message", ({ dir, names, mode }) => {
  const n = names.length;
  const access = mode === "access";
  const status = new Uint8Array(n);
  const sizes = new Float64Array(n);
  const mtimes = new Float64Array(mode !== "head" ? n : 0);
  const atimes = new Float64Array(access ? n : 0);
  const heads = new Uint8Array(mode !== "stat" ? n * HEAD : 0);
  const headLens = new Uint8Array(mode !== "stat" ? n : 0);
  for (let i = 0; i < n; i++) {
    const file = dir + "/" + names[i];
    try {
      if (mode === "stat") {
        const st = fs.lstatSync(file);
        if (!st.isFile()) {
          status[i] = ${STATUS_MISSING};
          continue;
        }
        sizes[i] = st.size;
        mtimes[i] = st.mtimeMs;
        continue;
      }
      const fd = openRead(file, access);
      try {
        if (access) {
          const st = fs.fstatSync(fd);
          atimes[i] = st.atimeMs;
          mtimes[i] = st.mtimeMs;
        }
        let size = fs.readSync(fd, block, 0, BLOCK, 0);
        const kept = size < HEAD ? size : HEAD;
        heads.set(block.subarray(0, kept), i * HEAD);
        headLens[i] = kept;
        if (size === BLOCK) size = fs.fstatSync(fd).size;
        sizes[i] = size;
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      status[i] = err && (err.code === "ENOENT" || err.code === "ELOOP") ? ${STATUS_MISSING} : ${STATUS_ERROR};
    }
  }
  parentPort.postMessage({ status, sizes, mtimes, atimes, heads, headLens },
    [status.buffer, sizes.buffer, mtimes.buffer, atimes.buffer, heads.buffer, headLens.buffer]);
});
`;

interface Task {
  request: Request;
  resolve: (batch: HeadBatch) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
}

/** Threads at most: the machine's cores, capped (more threads than cores only adds contention). */
const POOL_SIZE = Math.max(1, Math.min(4, os.availableParallelism()));
/** Files per message: large enough to amortise the round trip, small enough to spread over the pool. */
const MAX_CHUNK = 2048;

const slots: Slot[] = [];
const queue: Task[] = [];

function spawn(): Slot {
  const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true }), task: null };
  slot.worker.on("message", (batch: HeadBatch) => {
    const task = slot.task;
    slot.task = null;
    // An idle worker must not keep the process alive.
    slot.worker.unref();
    task?.resolve(batch);
    pump();
  });
  const fail = (err: Error) => {
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    slot.task?.reject(err);
    slot.task = null;
    void slot.worker.terminate();
    pump();
  };
  slot.worker.on("error", fail);
  slot.worker.on("exit", (code) => fail(new Error(`head reader thread exited (code ${code})`)));
  slots.push(slot);
  return slot;
}

function pump(): void {
  while (queue.length > 0) {
    const slot = slots.find((s) => s.task === null) ?? (slots.length < POOL_SIZE ? spawn() : null);
    if (!slot) return;
    const task = queue.shift() as Task;
    slot.task = task;
    slot.worker.ref();
    slot.worker.postMessage(task.request);
  }
}

function submit(request: Request): Promise<HeadBatch> {
  return new Promise((resolve, reject) => {
    queue.push({ request, resolve, reject });
    pump();
  });
}

/** Reads heads or stats of `names` (file names inside dir), spread over the pool; results in the order of names. */
export async function readFileBatch(dir: string, names: string[], mode: ReadMode): Promise<HeadBatch> {
  const n = names.length;
  // At least two messages per thread: a thread that finishes early takes another instead of idling.
  const chunk = Math.max(64, Math.min(MAX_CHUNK, Math.ceil(n / (POOL_SIZE * 2))));
  const parts: Promise<HeadBatch>[] = [];
  for (let start = 0; start < n; start += chunk) {
    parts.push(submit({ dir, names: names.slice(start, start + chunk), mode }));
  }
  const done = await Promise.all(parts);
  if (done.length === 1) return done[0];
  const out: HeadBatch = {
    status: new Uint8Array(n),
    sizes: new Float64Array(n),
    mtimes: new Float64Array(mode !== "head" ? n : 0),
    atimes: new Float64Array(mode === "access" ? n : 0),
    heads: new Uint8Array(mode !== "stat" ? n * HEAD_BYTES : 0),
    headLens: new Uint8Array(mode !== "stat" ? n : 0),
  };
  done.forEach((part, k) => {
    const at = k * chunk;
    out.status.set(part.status, at);
    out.sizes.set(part.sizes, at);
    if (mode !== "head") out.mtimes.set(part.mtimes, at);
    if (mode === "access") out.atimes.set(part.atimes, at);
    if (mode !== "stat") {
      out.heads.set(part.heads, at * HEAD_BYTES);
      out.headLens.set(part.headLens, at);
    }
  });
  return out;
}
