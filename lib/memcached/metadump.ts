import type net from "node:net";
import type { ServerAddress } from "./address";
import { openSocket } from "./connection";
import { CrawlerBusyError, ListingUnavailableError, MemcachedError, MemcachedTimeoutError } from "./errors";
import { decodeDumpKey } from "./keys";

/** One line of `lru_crawler metadump`. */
export interface DumpItem {
  key: string;
  /** Absolute unix expiry; -1 = never. */
  exp: number;
  /** Whole item size in memory, bytes. */
  size: number;
}

export type DumpMode = "hash" | "all";

export interface DumpOptions {
  /** Items per yielded batch. */
  batch: number;
  connectTimeoutMs: number;
  /** Longest silence from the server while we are waiting for it. */
  idleTimeoutMs: number;
  signal?: AbortSignal;
}

/** The first reply line tells whether the dump started; these mean it did not. */
type Refusal = { kind: "busy" } | { kind: "unavailable"; reply: string } | { kind: "no-hash"; reply: string };

class DumpRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(`metadump refused: ${refusal.kind}`);
  }
}

function refusalOf(line: string): Refusal | MemcachedError {
  if (line.startsWith("BUSY")) return { kind: "busy" };
  // -X answers "ERROR metadump not allowed"; -o no_lru_crawler answers "CLIENT_ERROR lru crawler disabled".
  if (line.includes("not allowed") || line.includes("disabled")) return { kind: "unavailable", reply: line };
  // Servers older than the hash mode read "hash" as a slab class list.
  if (line.startsWith("BADCLASS") || line === "CLIENT_ERROR bad command line format") return { kind: "no-hash", reply: line };
  return new MemcachedError(`unexpected metadump reply: ${line.slice(0, 120)}`);
}

/**
 * Makes the caller's row from one dump line, or null to leave it out. Called synchronously for every line, before
 * anything is queued: filtering here (a prefix) means skipped lines never cost an allocation.
 */
export type MakeRow<T> = (key: string, exp: number, size: number) => T | null;

/**
 * Parses the complete "key=… exp=… … size=…\n" lines of buf from pos, handing each to make; stops at the first line
 * that is not a data line (returned as `stop`) or is incomplete. One pass over the bytes in JS: native indexOf and
 * compare calls per field cost more than they save on lines this short (measured: bench/memcached-list.ts).
 */
function parseLines<T>(buf: Buffer, pos: number, make: MakeRow<T>, out: T[]): { pos: number; lines: number; stop: boolean } {
  const len = buf.length;
  let lines = 0;
  while (pos < len) {
    if (!(buf[pos] === 0x6b && buf[pos + 1] === 0x65 && buf[pos + 2] === 0x79 && buf[pos + 3] === 0x3d)) {
      return { pos, lines, stop: pos + 3 < len || buf.indexOf(0x0a, pos) !== -1 };
    }
    const keyStart = pos + 4;
    let i = keyStart;
    while (i < len && buf[i] !== 0x20 && buf[i] !== 0x0a) i++;
    const keyEnd = i;
    let exp = -1;
    let size = 0;
    while (i < len && buf[i] !== 0x0a) {
      i++; // the space before a field
      const nameStart = i;
      while (i < len && buf[i] !== 0x3d && buf[i] !== 0x20 && buf[i] !== 0x0a) i++;
      if (i >= len || buf[i] !== 0x3d) continue;
      const nameLength = i - nameStart;
      i++;
      // Only exp and size are used; other fields (la, cas, fetch, cls, and any a newer server adds) are skipped.
      const wanted = (nameLength === 3 && buf[nameStart] === 0x65) || (nameLength === 4 && buf[nameStart] === 0x73);
      let negative = false;
      if (wanted && buf[i] === 0x2d) {
        negative = true;
        i++;
      }
      let n = 0;
      while (i < len && buf[i] !== 0x20 && buf[i] !== 0x0a) {
        n = n * 10 + (buf[i] - 0x30);
        i++;
      }
      if (wanted) {
        if (nameLength === 3) exp = negative ? -n : n;
        else size = n;
      }
    }
    if (i >= len) return { pos, lines, stop: false };
    const row = make(decodeDumpKey(buf, keyStart, keyEnd), exp, size);
    if (row !== null) out.push(row);
    lines++;
    pos = i + 1;
  }
  return { pos, lines, stop: false };
}

const HIGH_WATER = 8;
const LOW_WATER = 2;

/**
 * Streams one metadump from its own connection (memcached refuses commands pipelined before a metadump, and a
 * dump must not hold up the reads of the shared connection). Pauses the socket while the consumer is behind, so
 * memory stays bounded; stopping early (break, abort) closes the socket, which ends the crawl on the server.
 * A refusal on the first line is thrown as DumpRefused; dump() below adds retries and the fallback.
 */
async function* dumpOnce<T>(address: ServerAddress, mode: DumpMode, opts: DumpOptions, make: MakeRow<T>): AsyncGenerator<T[]> {
  const socket: net.Socket = await openSocket(address, opts.connectTimeoutMs);
  const batches: T[][] = [];
  let current: T[] = [];
  let pending: Buffer | null = null;
  let started = false;
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let paused = false;
  let idle: NodeJS.Timeout | null = null;

  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const fail = (err: Error) => {
    if (!failure && !done) failure = err;
    notify();
  };
  const armIdle = () => {
    if (idle) clearTimeout(idle);
    idle = paused || done ? null : setTimeout(() => fail(new MemcachedTimeoutError(address.label, "metadump", opts.idleTimeoutMs)), opts.idleTimeoutMs);
  };
  const onAbort = () => fail(new MemcachedError("listing cancelled", address.label));
  opts.signal?.addEventListener("abort", onAbort);

  socket.on("data", (chunk: Buffer) => {
    if (done || failure) return;
    const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    let pos = 0;
    for (;;) {
      const parsed = parseLines(buf, pos, make, current);
      pos = parsed.pos;
      if (parsed.lines > 0) started = true;
      if (current.length >= opts.batch) {
        batches.push(current);
        current = [];
      }
      if (!parsed.stop) break;
      const nl = buf.indexOf(0x0a, pos);
      if (nl === -1) break;
      const end = nl > pos && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      const line = buf.toString("latin1", pos, end);
      if (line === "END") {
        done = true;
        if (current.length > 0) batches.push(current);
        current = [];
        socket.destroy();
        notify();
        return;
      }
      if (started) {
        fail(new MemcachedError(`unexpected line in metadump: ${line.slice(0, 120)}`, address.label));
        return;
      }
      const r = refusalOf(line);
      fail(r instanceof MemcachedError ? new MemcachedError(r.message, address.label) : new DumpRefused(r));
      return;
    }
    if (pos < buf.length) pending = buf.subarray(pos);
    if (batches.length >= HIGH_WATER && !paused) {
      paused = true;
      socket.pause();
    }
    armIdle();
    notify();
  });
  socket.on("error", (err) => fail(new MemcachedError(`metadump connection error: ${err.message}`, address.label)));
  socket.on("close", () => {
    if (!done) fail(new MemcachedError("metadump connection closed before END", address.label));
  });

  try {
    socket.write(`lru_crawler metadump ${mode}\r\n`);
    armIdle();
    for (;;) {
      if (failure) throw failure;
      const next = batches.shift();
      if (next) {
        if (paused && batches.length <= LOW_WATER) {
          paused = false;
          socket.resume();
          armIdle();
        }
        yield next;
        continue;
      }
      if (done) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    if (idle) clearTimeout(idle);
    opts.signal?.removeEventListener("abort", onAbort);
    socket.destroy();
  }
}


const BUSY_RETRIES = 6;
const BUSY_FIRST_DELAY_MS = 100;

/**
 * Every item of one server, in batches: `hash` mode (each item once), or `all` on servers without it (items can
 * then appear twice when they move between LRUs mid-crawl: callers de-duplicate). BUSY is retried with backoff.
 */
export async function* dump<T>(
  address: ServerAddress,
  opts: DumpOptions,
  make: MakeRow<T>,
  onMode?: (mode: DumpMode) => void,
): AsyncGenerator<T[]> {
  let mode: DumpMode = "hash";
  for (let attempt = 1; ; attempt++) {
    let yielded = false;
    try {
      onMode?.(mode);
      for await (const batch of dumpOnce(address, mode, opts, make)) {
        yielded = true;
        yield batch;
      }
      return;
    } catch (err) {
      if (yielded || !(err instanceof DumpRefused)) throw err;
      const r = err.refusal;
      if (r.kind === "unavailable") throw new ListingUnavailableError(address.label, r.reply);
      if (r.kind === "no-hash") {
        if (mode === "all") throw new ListingUnavailableError(address.label, r.reply);
        mode = "all";
        continue;
      }
      if (attempt >= BUSY_RETRIES) throw new CrawlerBusyError(address.label, attempt);
      await sleep(BUSY_FIRST_DELAY_MS * 2 ** (attempt - 1), opts.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new MemcachedError("listing cancelled"));
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new MemcachedError("listing cancelled"));
      },
      { once: true },
    );
  });
}

/** `all` mode can print an item twice (it moved between LRUs mid-crawl); `hash` never does, so only `all` pays for a set. */
export class DumpDeduper {
  private seen: Set<string> | null = null;

  readonly onMode = (mode: DumpMode): void => {
    this.seen = mode === "all" ? new Set() : null;
  };

  /** True the first time a key is seen in this dump. */
  fresh(key: string): boolean {
    if (!this.seen) return true;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}
