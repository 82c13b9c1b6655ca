import { decodePool } from "@/lib/codecs/pool/pool";
import type { DecodeLimits } from "@/lib/codecs/types";
import type { KeyRow } from "@/lib/backends/types";
import { readEntryFile } from "./entry-file";
import { idleOf, type AtimeMode } from "./atime";
import { headOf, isExpired, mapHeads, ttlOf, type FileHead } from "./heads";
import { kindFromValue, previewOf } from "./summary";

/** A row needs the top of the value only: small limits keep a page of 1000 rows cheap whatever the files hold. */
const PREVIEW_LIMITS: DecodeLimits = {
  maxNodes: 400,
  maxInflatedBytes: 2 * 1024 * 1024,
  maxDepth: 12,
  maxBodyChars: 400,
  // Room for one whole value of the largest file previewed (1 MiB read, 2 MiB inflated, as base64): a preview names a
  // large bytes or str value by its length, which a cut value cannot give.
  maxOutputBytes: 4 * 1024 * 1024,
  maxWork: 2_000_000,
};
/** Files larger than this are listed without kind or preview (their zlib stream would be cut). */
const PREVIEW_READ_BYTES = 1024 * 1024;
/** Files read at once for a page. */
const CONCURRENCY = 8;

/** The cheap row: what the head of the file tells. */
export function rowFromHead(head: FileHead, nowSeconds: number): KeyRow {
  // One literal of one shape: iterate() builds one per file of the directory.
  return {
    raw: null,
    file: head.file,
    type: "file",
    size: head.size,
    ttl: ttlOf(head, nowSeconds),
    expired: isExpired(head, nowSeconds),
  };
}

/**
 * Cheap rows (head and size) for many files, straight from the reader threads' answer; vanished files left out.
 * With `atime`: row.idle from the files' access times under that mount mode (atime.ts).
 */
export async function headRows(dir: string, files: string[], atime: AtimeMode | null = null): Promise<KeyRow[]> {
  const nowMs = Date.now();
  const now = nowMs / 1000;
  const rows = await mapHeads(
    dir,
    files,
    (file, size, state, expiry, atimeMs, mtimeMs) => {
      const row = rowFromHead({ file, size, state, expiry }, now);
      if (atime && atimeMs >= 0) row.idle = idleOf(atime, nowMs, atimeMs, mtimeMs);
      return row;
    },
    false,
    atime !== null,
  );
  return rows.filter((r): r is KeyRow => r !== null);
}

/** Full rows for one page: head, size, and the value decoded (bounded) for a kind guess and a preview. */
export async function describeRows(dir: string, files: string[]): Promise<KeyRow[]> {
  const rows: (KeyRow | null)[] = new Array(files.length).fill(null);
  let next = 0;
  const work = async () => {
    while (next < files.length) {
      const i = next++;
      rows[i] = await describeRow(dir, files[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, work));
  // Files deleted since the listing are gone: they are not rows any more.
  return rows.filter((r): r is KeyRow => r !== null);
}

async function describeRow(dir: string, file: string): Promise<KeyRow | null> {
  let read;
  try {
    read = await readEntryFile(dir, file, PREVIEW_READ_BYTES);
  } catch (err) {
    // One unreadable file (permissions, I/O error) must not fail the whole page.
    return { raw: null, file, type: "file", preview: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  if (read === null) return null;
  const now = Date.now() / 1000;
  const head = headOf(file, read.bytes, read.size);
  const row = rowFromHead(head, now);
  if (head.state === "empty") {
    row.preview = "(empty file: Django treats it as expired)";
    return row;
  }
  if (read.bytes.length < read.size) {
    row.preview = `(${read.size} bytes: open the entry to decode it)`;
    return row;
  }
  // On the decode pool like the entry page: the same time and memory limits, off the event loop.
  const decoded = await decodePool().decode(read.bytes, { source: "filebased" }, PREVIEW_LIMITS);
  if (decoded.value !== null) row.kindHint = kindFromValue(decoded.value);
  row.preview = previewOf(decoded, row.kindHint ?? "key");
  return row;
}
