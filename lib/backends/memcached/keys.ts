import { InvalidKeyError } from "./errors";

/** memcached's limit on key length, in bytes. */
export const MAX_KEY_BYTES = 250;

/** No space, control character or DEL: every UTF-8 byte of a non-ASCII character is >= 0x80, so only ASCII can break a line. */
const SAFE_KEY = /^[^\x00-\x20\x7f]+$/;
/** Up to this many UTF-16 units a key cannot exceed 250 UTF-8 bytes (at most 3 bytes per unit). */
const SURELY_SHORT = Math.floor(MAX_KEY_BYTES / 3);

/**
 * Checks that a key is safe to put on a text-protocol command line, and returns it.
 * A space, CR/LF or other control byte would split the line into a second command: such keys are refused, never
 * escaped. Purges check thousands of keys, so the common case is one native regex test and no byte count.
 */
export function checkKey(key: string): string {
  if (typeof key !== "string" || key.length === 0) throw new InvalidKeyError("empty key");
  if (!SAFE_KEY.test(key)) {
    const c = [...key].map((ch) => ch.charCodeAt(0)).find((code) => code <= 0x20 || code === 0x7f) ?? 0;
    throw new InvalidKeyError(`key contains ${c === 0x20 ? "a space" : `control byte 0x${c.toString(16).padStart(2, "0")}`}`);
  }
  if (key.length > SURELY_SHORT) {
    const bytes = Buffer.byteLength(key, "utf8");
    if (bytes > MAX_KEY_BYTES) throw new InvalidKeyError(`key is ${bytes} bytes, over ${MAX_KEY_BYTES}`);
  }
  return key;
}

const utf8 = new TextDecoder("utf-8");

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/** Reused by decodeDumpKey: keys are at most 250 bytes, but a dump line is not checked, so it grows if it must. */
let scratch = Buffer.allocUnsafe(1024);

/**
 * A key as metadump prints it (URI-encoded) back to its text: percent escapes become bytes, the bytes are read as UTF-8.
 * Python clients store str keys as UTF-8, so this gives the key Django used. Runs once per listed key (a million
 * times for a big server), so it decodes in one pass into a reused buffer and makes one string from it; a stray "%"
 * stays as it is; bytes that are not valid UTF-8 become U+FFFD.
 */
export function decodeDumpKey(buf: Buffer, start: number, end: number): string {
  // Most keys have no escape and are ASCII: one read-only pass, then the string straight from the dump's bytes.
  let plain = true;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b === 0x25 || b >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) return buf.toString("latin1", start, end);
  if (end - start > scratch.length) scratch = Buffer.allocUnsafe(end - start);
  let n = 0;
  let ascii = true;
  for (let i = start; i < end; i++) {
    let b = buf[i];
    if (b === 0x25 && i + 2 < end) {
      const hi = hexValue(buf[i + 1]);
      const lo = hexValue(buf[i + 2]);
      if (hi >= 0 && lo >= 0) {
        b = (hi << 4) | lo;
        i += 2;
      }
    }
    if (b >= 0x80) ascii = false;
    scratch[n++] = b;
  }
  return ascii ? scratch.toString("latin1", 0, n) : utf8.decode(scratch.subarray(0, n));
}
