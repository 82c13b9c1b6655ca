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
 * head goes to the codec's readFileExpiry. undefined = not one of these.
 */
function djangoExpiry(b: Uint8Array): number | null | undefined {
  if (b.length < 4 || b[0] !== 0x80 || (b[1] !== 4 && b[1] !== 5)) return undefined;
  if (b[2] === 0x4e && b[3] === 0x2e) return null;
  if (b.length < 21 || b[2] !== 0x95 || b[3] !== 0x0a || b[11] !== 0x47 || b[20] !== 0x2e) return undefined;
  for (let i = 4; i < 11; i++) if (b[i] !== 0) return undefined;
  const expiry = new DataView(b.buffer, b.byteOffset + 12, 8).getFloat64(0, false);
  return Number.isFinite(expiry) ? expiry : undefined;
}

/** Parses the expiry at the start of a file's bytes (the whole file or just its head). */
export function headOf(file: string, bytes: Uint8Array, size: number | null): FileHead {
  if (bytes.length === 0) return { file, size, state: "empty", expiry: null };
  const fast = djangoExpiry(bytes);
  if (fast !== undefined) return { file, size, state: "ok", expiry: fast };
  const parsed = readFileExpiry(bytes);
  return parsed
    ? { file, size, state: "ok", expiry: parsed.expiry }
    : { file, size, state: "unreadable", expiry: null };
}

/**
 * Heads of many entries (files given as 32-hex names, or as full "*.djcache" names when `named` is true).
 * Result aligned with `files`; null where the file vanished meanwhile.
 */
export async function readHeads(dir: string, files: string[], named = false): Promise<(FileHead | null)[]> {
  if (files.length === 0) return [];
  const names = named ? files : files.map((f) => f + SUFFIX);
  const batch = await readFileBatch(dir, names, "head");
  return files.map((file, i) => {
    const status = batch.status[i];
    if (status === STATUS_MISSING) return null;
    if (status !== STATUS_OK) return { file, size: null, state: "unreadable", expiry: null };
    const start = i * HEAD_BYTES;
    return headOf(file, batch.heads.subarray(start, start + batch.headLens[i]), batch.sizes[i]);
  });
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
