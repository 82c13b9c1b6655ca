import type net from "node:net";
import type { ServerAddress } from "./address";
import { openSocket } from "./connection";
import { CrawlerBusyError, ListingUnavailableError, MemcachedError, MemcachedTimeoutError, MemcachedUnreachableError } from "./errors";
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
  /** Items per yielded batch, at most. */
  batch: number;
  connectTimeoutMs: number;
  /** Longest silence from the server while we are waiting for it. */
  idleTimeoutMs: number;
  /** Longest time the socket may stay paused for a slow reader (default MAX_STALL_MS). */
  stallMs?: number;
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
export type MakeRow<T> = (key: string, exp: number, size: number, la: number, fetched: Fetched) => T | null;

/** fetch= of a dump line: 1 = read since written, 0 = never, -1 = the line has no such field. */
export type Fetched = 1 | 0 | -1;

/** The signed decimal at buf[start..end), or NaN if it is not one. */
function intAt(buf: Buffer, start: number, end: number): number {
  let i = start;
  const negative = buf[i] === 0x2d;
  if (negative) i++;
  if (i >= end) return NaN;
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/** The fetch= flag among the fields in buf[start..end): for field orders other than 1.6's. */
function fetchField(buf: Buffer, start: number, end: number): Fetched {
  const at = buf.indexOf(" fetch=", start, "latin1");
  if (at === -1 || at >= end) return -1;
  return buf[at + 7] === 0x79 ? 1 : buf[at + 7] === 0x6e ? 0 : -1;
}

/** The value of " name=" among the fields in buf[start..end), or NaN: for field orders other than 1.6's. */
function fieldValue(buf: Buffer, start: number, end: number, name: string): number {
  const at = buf.indexOf(` ${name}=`, start, "latin1");
  if (at === -1 || at >= end) return NaN;
  const from = at + name.length + 2;
  let to = from;
  while (to < end && buf[to] !== 0x20) to++;
  return intAt(buf, from, to);
}

/**
 * Parses the complete "key=… exp=… la=… cas=… fetch=… cls=… size=…\n" lines of buf from pos, handing each to make;
 * stops at the first line that is not a data line (returned as `stop`) or is incomplete. Runs for every key of a
 * server, so it reads exp right after the key and size back from the line end, where memcached 1.6 puts them, and
 * searches the fields by name only when a server orders them otherwise (measured: bench/memcached-list.ts).
 */
export function parseLines<T>(buf: Buffer, pos: number, make: MakeRow<T>, out: T[]): { pos: number; lines: number; stop: boolean } {
  const len = buf.length;
  let lines = 0;
  while (pos < len) {
    if (!(buf[pos] === 0x6b && buf[pos + 1] === 0x65 && buf[pos + 2] === 0x79 && buf[pos + 3] === 0x3d)) {
      return { pos, lines, stop: pos + 3 < len || buf.indexOf(0x0a, pos) !== -1 };
    }
    const nl = buf.indexOf(0x0a, pos);
    if (nl === -1) return { pos, lines, stop: false };
    const end = buf[nl - 1] === 0x0d ? nl - 1 : nl;
    const keyStart = pos + 4;
    let i = keyStart;
    while (i < end && buf[i] !== 0x20) i++;
    const keyEnd = i;

    let exp = NaN;
    let la = NaN;
    let fetched: Fetched = -1;
    if (buf[i + 1] === 0x65 && buf[i + 2] === 0x78 && buf[i + 3] === 0x70 && buf[i + 4] === 0x3d) {
      let j = i + 5;
      while (j < end && buf[j] !== 0x20) j++;
      exp = intAt(buf, i + 5, j);
      // 1.6 goes on " la=… cas=… fetch=yes|no": read in place, as exp is.
      if (buf[j + 1] === 0x6c && buf[j + 2] === 0x61 && buf[j + 3] === 0x3d) {
        let k = j + 4;
        while (k < end && buf[k] !== 0x20) k++;
        la = intAt(buf, j + 4, k);
        let m = k + 1;
        while (m < end && buf[m] !== 0x20) m++;
        if (buf[m + 1] === 0x66 && buf[m + 6] === 0x3d) fetched = buf[m + 7] === 0x79 ? 1 : buf[m + 7] === 0x6e ? 0 : -1;
      }
    }
    if (Number.isNaN(exp)) exp = fieldValue(buf, keyEnd, end, "exp");
    if (Number.isNaN(la)) la = fieldValue(buf, keyEnd, end, "la");
    if (fetched === -1) fetched = fetchField(buf, keyEnd, end);

    let size = NaN;
    let d = end;
    while (d > keyEnd && buf[d - 1] >= 0x30 && buf[d - 1] <= 0x39) d--;
    if (
      d < end &&
      buf[d - 1] === 0x3d &&
      buf[d - 2] === 0x65 &&
      buf[d - 3] === 0x7a &&
      buf[d - 4] === 0x69 &&
      buf[d - 5] === 0x73 &&
      buf[d - 6] === 0x20
    ) {
      size = intAt(buf, d, end);
    }
    if (Number.isNaN(size)) size = fieldValue(buf, keyEnd, end, "size");

    const row = make(
      decodeDumpKey(buf, keyStart, keyEnd),
      Number.isNaN(exp) ? -1 : exp,
      Number.isNaN(size) ? 0 : size,
      Number.isNaN(la) ? -1 : la,
      fetched,
    );
    if (row !== null) out.push(row);
    lines++;
    pos = nl + 1;
  }
  return { pos, lines, stop: false };
}

/**
 * A paused reader holds memcached's LRU crawler: it waits on the socket, and on 1.6.18 any other client's
 * lru_crawler command then blocks a worker thread until the crawl ends. So rather than pause early, buffer up to
 * HIGH_WATER_ROWS parsed rows (some MB), and give up after MAX_STALL_MS paused, freeing the crawler.
 */
const HIGH_WATER_ROWS = 50_000;
const LOW_WATER_ROWS = 10_000;
export const MAX_STALL_MS = 10_000;

/**
 * Streams one metadump from its own connection (memcached refuses commands pipelined before a metadump, and a
 * dump must not hold up the reads of the shared connection). Pauses the socket while the consumer is far behind, so
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
  let queuedRows = 0;
  let timer: NodeJS.Timeout | null = null;

  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const fail = (err: Error) => {
    if (!failure && !done) failure = err;
    notify();
  };
  const stallMs = opts.stallMs ?? MAX_STALL_MS;
  const stalled = () => {
    fail(
      new MemcachedError(
        `listing stopped: its reader fell ${stallMs / 1000} s behind, and a stalled metadump holds the server's LRU crawler`,
        address.label,
      ),
    );
    // Free the crawler now, even if nobody ever reads this generator again.
    socket.destroy();
  };
  // One timer: while reading, the server's silence is limited; while paused, our own.
  const armTimer = () => {
    if (timer) clearTimeout(timer);
    if (done) timer = null;
    else if (paused) timer = setTimeout(stalled, stallMs);
    else timer = setTimeout(() => fail(new MemcachedTimeoutError(address.label, "metadump", opts.idleTimeoutMs)), opts.idleTimeoutMs);
  };
  const queue = (batch: T[]) => {
    batches.push(batch);
    queuedRows += batch.length;
  };
  const onAbort = () => fail(new MemcachedError("listing cancelled", address.label));
  opts.signal?.addEventListener("abort", onAbort);

  /** Parses the complete lines of buf, keeps an incomplete last line in `pending`; false once the dump has ended. */
  const consume = (buf: Buffer): boolean => {
    let pos = 0;
    for (;;) {
      const parsed = parseLines(buf, pos, make, current);
      pos = parsed.pos;
      if (parsed.lines > 0) started = true;
      // One socket chunk can hold more lines than a batch: batches never exceed opts.batch.
      while (current.length >= opts.batch) {
        queue(current.length === opts.batch ? current : current.slice(0, opts.batch));
        current = current.length === opts.batch ? [] : current.slice(opts.batch);
      }
      if (!parsed.stop) break;
      const nl = buf.indexOf(0x0a, pos);
      if (nl === -1) break;
      const end = nl > pos && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      const line = buf.toString("latin1", pos, end);
      if (line === "END") {
        done = true;
        if (current.length > 0) queue(current);
        current = [];
        socket.destroy();
        notify();
        return false;
      }
      if (started) {
        fail(new MemcachedError(`unexpected line in metadump: ${line.slice(0, 120)}`, address.label));
        return false;
      }
      const r = refusalOf(line);
      fail(r instanceof MemcachedError ? new MemcachedError(r.message, address.label) : new DumpRefused(r));
      return false;
    }
    pending = pos < buf.length ? buf.subarray(pos) : null;
    return true;
  };

  socket.on("data", (chunk: Buffer) => {
    if (done || failure) return;
    let rest = chunk;
    if (pending) {
      // Join only the line cut between chunks, not the whole chunk: copying every chunk doubles the bytes handled.
      const nl = chunk.indexOf(0x0a);
      const head = nl === -1 ? chunk : chunk.subarray(0, nl + 1);
      const joined = Buffer.concat([pending, head]);
      pending = null;
      if (!consume(joined)) return;
      rest = nl === -1 ? chunk.subarray(chunk.length) : chunk.subarray(nl + 1);
    }
    if (rest.length > 0 && !consume(rest)) return;
    if (queuedRows >= HIGH_WATER_ROWS && !paused) {
      paused = true;
      socket.pause();
    }
    armTimer();
    notify();
  });
  socket.on("error", (err) => fail(new MemcachedUnreachableError(`metadump connection error: ${err.message}`, address.label)));
  socket.on("close", () => {
    if (!done) fail(new MemcachedUnreachableError("metadump connection closed before END", address.label));
  });

  try {
    socket.write(`lru_crawler metadump ${mode}\r\n`);
    armTimer();
    for (;;) {
      if (failure) throw failure;
      const next = batches.shift();
      if (next) {
        queuedRows -= next.length;
        if (paused && queuedRows <= LOW_WATER_ROWS) {
          paused = false;
          socket.resume();
          armTimer();
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
    if (timer) clearTimeout(timer);
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
