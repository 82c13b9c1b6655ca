import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";

export interface LargeEntrySpec {
  key: string;
  file: string;
  ttl: number | null;
  length: number;
  seed: number;
  /** base64 of what pickle.dumps(data, 5) writes before and after the bytes themselves. */
  pickleHead: string;
  pickleTail: string;
  sha256: string;
}

/** xorshift32, one byte per step: the same sequence generate_demo.py produced (checked by sha256). */
export function xorshiftBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * The large entry's value part, zlib(pickle(bytes)): incompressible bytes (a cached image), so the file is as big on
 * disk as the value. Regenerated instead of stored: the fixture stays small.
 */
export function largeValuePart(spec: LargeEntrySpec): Uint8Array {
  const data = xorshiftBytes(spec.seed, spec.length);
  if (createHash("sha256").update(data).digest("hex") !== spec.sha256) {
    throw new Error("demo fixture: the large entry's bytes do not match their recorded sha256");
  }
  const pickled = Buffer.concat([Buffer.from(spec.pickleHead, "base64"), data, Buffer.from(spec.pickleTail, "base64")]);
  return deflateSync(pickled);
}
