import { FileCacheError } from "./errors";
import { cachedScan } from "./directory";
import { readHeads, readSizes, type FileHead } from "./heads";

export type SortOrder = "name" | "size" | "expiry";

export interface FilePage {
  files: string[];
  cursor: string | null;
  /** Entries looked at to build this page (the whole directory for a sorted listing). */
  scanned: number;
}

const SNAPSHOT_TTL_MS = 30_000;
interface Snapshot {
  at: number;
  files: string[];
}
const snapshots = new Map<string, Snapshot>();

/**
 * One page of entry files.
 * - by name: cursor = the last file returned; the next page starts after it in the (briefly cached) sorted listing,
 *   so files added or removed between pages shift nothing.
 * - by size (largest first) or expiry (soonest first; never-expiring, then unreadable last): every file must be looked
 *   at, so the ordered list is built once and kept SNAPSHOT_TTL_MS; cursor = offset into it. A cursor that outlives its
 *   snapshot continues at the same offset of a fresh one.
 */
export async function listFiles(dir: string, sort: SortOrder, cursor: string | null, count: number): Promise<FilePage> {
  const limit = Math.max(1, Math.min(1000, Math.floor(count) || 1));
  if (sort === "name") {
    const after = parseCursor(cursor, "n");
    const { files } = await cachedScan(dir);
    const start = after === null ? 0 : upperBound(files, after);
    const page = files.slice(start, start + limit);
    const more = start + limit < files.length;
    return { files: page, cursor: more ? `n:${page[page.length - 1]}` : null, scanned: page.length };
  }
  const tag = sort === "size" ? "s" : "e";
  const offsetText = parseCursor(cursor, tag);
  const offset = offsetText === null ? 0 : Number(offsetText);
  const snapshot = await ordered(dir, sort, offsetText === null);
  const page = snapshot.files.slice(offset, offset + limit);
  const next = offset + limit;
  return { files: page, cursor: next < snapshot.files.length ? `${tag}:${next}` : null, scanned: snapshot.files.length };
}

function parseCursor(cursor: string | null, tag: "n" | "s" | "e"): string | null {
  if (cursor === null || cursor === "") return null;
  const ok = tag === "n" ? /^n:[0-9a-f]{32}$/.test(cursor) : new RegExp(`^${tag}:\\d{1,9}$`).test(cursor);
  if (!ok) throw new FileCacheError("invalid_cursor", "Invalid cursor for this listing (it belongs to another sort order or was altered).");
  return cursor.slice(2);
}

/** First index whose file sorts after `file`. */
function upperBound(files: string[], file: string): number {
  let lo = 0;
  let hi = files.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (files[mid] <= file) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function ordered(dir: string, sort: "size" | "expiry", fresh: boolean): Promise<Snapshot> {
  const key = `${sort}\0${dir}`;
  const hit = snapshots.get(key);
  const now = Date.now();
  if (!fresh && hit && now - hit.at < SNAPSHOT_TTL_MS) return hit;
  const { files } = await cachedScan(dir);
  const snapshot = { at: now, files: sort === "size" ? await bySize(dir, files) : await byExpiry(dir, files) };
  snapshots.set(key, snapshot);
  return snapshot;
}

async function bySize(dir: string, files: string[]): Promise<string[]> {
  const sizes = await readSizes(dir, files);
  const rows = files.flatMap((file, i) => (sizes[i] === null ? [] : [{ file, size: sizes[i] as number }]));
  rows.sort((a, b) => b.size - a.size || (a.file < b.file ? -1 : 1));
  return rows.map((r) => r.file);
}

async function byExpiry(dir: string, files: string[]): Promise<string[]> {
  const heads = (await readHeads(dir, files)).filter((h): h is FileHead => h !== null);
  heads.sort((a, b) => expiryRank(a) - expiryRank(b) || (a.file < b.file ? -1 : 1));
  return heads.map((h) => h.file);
}

/** Empty files count as expired (first); never-expiring after all timed ones; unreadable last. */
function expiryRank(h: FileHead): number {
  if (h.state === "empty") return -Number.MAX_VALUE;
  if (h.state === "unreadable") return Number.MAX_VALUE;
  return h.expiry === null ? Number.MAX_SAFE_INTEGER : h.expiry;
}

/** After deletes: sorted listings are rebuilt. */
export function forgetSnapshots(dir: string): void {
  for (const sort of ["size", "expiry"]) snapshots.delete(`${sort}\0${dir}`);
}
