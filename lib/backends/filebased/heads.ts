import { readFileExpiry } from "@/lib/codecs/decode";
import { SUFFIX } from "./location";
import { HEAD_BYTES, readFileBatch, STATUS_MISSING, STATUS_OK } from "./head-reader";

/**
 * "ok": the expiry pickle parsed; "empty": a zero-byte file (Django counts it as expired); "unreadable": the file
 * could not be read or does not start with an expiry pickle (Django's own get() would raise on it).
 */
export type HeadState = "ok" | "empty" | "unreadable";

export interface FileHead {
  file: string;
  size: number | null;
  state: HeadState;
  /** Unix seconds; null = never expires (or state is not "ok"). */
  expiry: number | null;
}

/** Django's _is_expired: `exp is not None and exp < time.time()`, and an empty file counts as expired. */
export function isExpired(head: Pick<FileHead, "state" | "expiry">, nowSeconds: number): boolean {
  if (head.state === "empty") return true;
  return head.state === "ok" && head.expiry !== null && head.expiry < nowSeconds;
}

/** Seconds left (negative once expired); null = never; undefined when the file has no readable expiry. */
export function ttlOf(head: Pick<FileHead, "state" | "expiry">, nowSeconds: number): number | null | undefined {
  if (head.state !== "ok") return undefined;
  if (head.expiry === null) return null;
  return Math.ceil(head.expiry - nowSeconds) || 0;
}

/**
 * The two heads Django writes (protocol 4 or 5): `80 0P 95 0A 00*7 47 <BE double> 2E` (FRAME, BINFLOAT, STOP) and
 * `80 0P 4E 2E` (None). Recognising them directly keeps a 100k-file listing off the general unpickler; any other
 * head goes to the codec's readFileExpiry. undefined = not one of these. `view` covers `b` (one view per batch).
 */
function djangoExpiry(b: Uint8Array, at: number, length: number, view: DataView): number | null | undefined {
  if (length < 4 || b[at] !== 0x80 || (b[at + 1] !== 4 && b[at + 1] !== 5)) return undefined;
  if (b[at + 2] === 0x4e && b[at + 3] === 0x2e) return null;
  if (length < 21 || b[at + 2] !== 0x95 || b[at + 3] !== 0x0a || b[at + 11] !== 0x47 || b[at + 20] !== 0x2e) return undefined;
  for (let i = at + 4; i < at + 11; i++) if (b[i] !== 0) return undefined;
  const expiry = view.getFloat64(at + 12, false);
  return Number.isFinite(expiry) ? expiry : undefined;
}

/** The state and expiry of `length` bytes at `at` of `b`: the start of a file (all of it, or its head). */
function parseHead(b: Uint8Array, at: number, length: number, view: DataView): Pick<FileHead, "state" | "expiry"> {
  if (length === 0) return { state: "empty", expiry: null };
  const fast = djangoExpiry(b, at, length, view);
  if (fast !== undefined) return { state: "ok", expiry: fast };
  const parsed = readFileExpiry(b.subarray(at, at + length));
  return parsed ? { state: "ok", expiry: parsed.expiry } : { state: "unreadable", expiry: null };
}

/** Parses the expiry at the start of a file's bytes (the whole file or just its head). */
export function headOf(file: string, bytes: Uint8Array, size: number | null): FileHead {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { file, size, ...parseHead(bytes, 0, bytes.length, view) };
}

/**
 * Heads of many entries (files given as 32-hex names, or as full "*.djcache" names when `named` is true), each
 * passed to `make` (so a caller building its own rows allocates nothing more). Result aligned with `files`; null
 * where the file vanished meanwhile.
 */
export async function mapHeads<T>(
  dir: string,
  files: string[],
  make: (file: string, size: number | null, state: HeadState, expiry: number | null, atimeMs: number, mtimeMs: number) => T,
  named = false,
  access = false,
): Promise<(T | null)[]> {
  if (files.length === 0) return [];
  const names = named ? files : files.map((f) => f + SUFFIX);
  const batch = await readFileBatch(dir, names, access ? "access" : "head");
  const view = new DataView(batch.heads.buffer, batch.heads.byteOffset, batch.heads.byteLength);
  const out: (T | null)[] = new Array(files.length);
  for (let i = 0; i < files.length; i++) {
    const status = batch.status[i];
    if (status === STATUS_MISSING) out[i] = null;
    else if (status !== STATUS_OK) out[i] = make(files[i], null, "unreadable", null, -1, -1);
    else {
      const head = parseHead(batch.heads, i * HEAD_BYTES, batch.headLens[i], view);
      out[i] = make(files[i], batch.sizes[i], head.state, head.expiry, access ? batch.atimes[i] : -1, access ? batch.mtimes[i] : -1);
    }
  }
  return out;
}

export function readHeads(dir: string, files: string[], named = false): Promise<(FileHead | null)[]> {
  return mapHeads(dir, files, (file, size, state, expiry): FileHead => ({ file, size, state, expiry }), named);
}
/** Sizes of many entries (one stat each; no file is opened). null where the file vanished. */
export async function readSizes(dir: string, files: string[]): Promise<(number | null)[]> {
  if (files.length === 0) return [];
  const batch = await readFileBatch(
    dir,
    files.map((f) => f + SUFFIX),
    "stat",
  );
  return files.map((_, i) => (batch.status[i] === STATUS_OK ? batch.sizes[i] : null));
}
