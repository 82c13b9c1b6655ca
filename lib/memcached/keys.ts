import { InvalidKeyError } from "./errors";

/** memcached's limit on key length, in bytes. */
export const MAX_KEY_BYTES = 250;

/**
 * The UTF-8 bytes of a key that is safe to put on a text-protocol command line.
 * A space, CR/LF or other control byte would split the line into a second command: such keys are refused, never escaped.
 */
export function wireKey(key: string): Buffer {
  if (typeof key !== "string" || key.length === 0) throw new InvalidKeyError("empty key");
  const bytes = Buffer.from(key, "utf8");
  if (bytes.length > MAX_KEY_BYTES) throw new InvalidKeyError(`key is ${bytes.length} bytes, over ${MAX_KEY_BYTES}`);
  for (const b of bytes) {
    if (b <= 0x20 || b === 0x7f) {
      throw new InvalidKeyError(`key contains ${b === 0x20 ? "a space" : `control byte 0x${b.toString(16).padStart(2, "0")}`}`);
    }
  }
  return bytes;
}

const utf8 = new TextDecoder("utf-8");

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/**
 * A key as metadump prints it (URI-encoded) back to its text: percent escapes become bytes, the bytes are read as UTF-8.
 * Python clients store str keys as UTF-8, so this gives the key Django used. Django keys always carry escapes (":" is
 * printed as %3A): V8's native decodeURIComponent handles the valid ones; the byte path is the fallback for keys that
 * are not valid UTF-8 or hold a stray "%".
 */
export function decodeDumpKey(buf: Buffer, start: number, end: number): string {
  const text = buf.toString("latin1", start, end);
  if (text.indexOf("%") === -1) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return decodeBytes(buf, start, end);
  }
}

function decodeBytes(buf: Buffer, start: number, end: number): string {
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b === 0x25 && i + 2 < end) {
      const hi = hexValue(buf[i + 1]);
      const lo = hexValue(buf[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return utf8.decode(out.subarray(0, n));
}
