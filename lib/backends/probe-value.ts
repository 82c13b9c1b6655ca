/**
 * pickle.dumps(bytes_value, 5) byte for byte, as Django's RedisCache and FileBasedCache store a Python `bytes` object:
 * the probe's values decode in the key browser like any other entry. Python frames values under 64 KiB (FRAME, then
 * SHORT_BINBYTES or BINBYTES, MEMOIZE, STOP) and writes larger ones unframed.
 */

const FRAME_SIZE_TARGET = 64 * 1024;

export function pickledBytes(payload: Uint8Array): Uint8Array {
  const n = payload.length;
  if (n > 0xffffffff) throw new RangeError("a probe value must be under 4 GiB");
  const head = n < 256 ? Uint8Array.of(0x43, n) : Uint8Array.of(0x42, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
  const tail = Uint8Array.of(0x94, 0x2e);
  const framed = n < FRAME_SIZE_TARGET;
  const out = new Uint8Array(2 + (framed ? 9 : 0) + head.length + n + tail.length);
  out.set([0x80, 0x05]);
  let at = 2;
  if (framed) {
    out[at] = 0x95;
    new DataView(out.buffer).setBigUint64(at + 1, BigInt(head.length + n + tail.length), true);
    at += 9;
  }
  out.set(head, at);
  out.set(payload, at + head.length);
  out.set(tail, at + head.length + n);
  return out;
}
