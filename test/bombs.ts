import { execFileSync } from "node:child_process";
import zlib from "node:zlib";
import { compressSync as xzCompressSync } from "@napi-rs/lzma/xz";

/**
 * Hostile (and legitimately huge) pickles for tests of the decoder's limits, written opcode by opcode the way
 * Python's pickle (protocol 4) writes them: a memoized object is written once and referenced with BINGET, so a
 * small pickle can describe an enormous value. `cache.set(k, [blob] * n)` writes exactly the first one.
 */

const PROTO4 = Buffer.from([0x80, 0x04]);
const MEMOIZE = Buffer.from([0x94]);
const MARK = Buffer.from("(", "latin1");
const STOP = Buffer.from(".", "latin1");

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** BINGET i (i < 256) or LONG_BINGET. */
function get(i: number): Buffer {
  return i < 256 ? Buffer.from([0x68, i]) : Buffer.concat([Buffer.from([0x6a]), u32(i)]);
}

function binbytes(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from("B", "latin1"), u32(data.length), data]);
}

function binunicode(text: string): Buffer {
  const data = Buffer.from(text, "utf8");
  return Buffer.concat([Buffer.from("X", "latin1"), u32(data.length), data]);
}

function binint(n: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = 0x4a;
  b.writeInt32LE(n, 1);
  return b;
}

/** n references to one memo slot, in batches of 1000 closed by `close` (APPENDS, ADDITEMS), as Python batches. */
function repeated(slot: number, n: number, close: string): Buffer[] {
  const parts: Buffer[] = [];
  for (let done = 0; done < n;) {
    const batch = Math.min(1000, n - done);
    parts.push(MARK, Buffer.concat(Array.from({ length: batch }, () => get(slot))), Buffer.from(close, "latin1"));
    done += batch;
  }
  return parts;
}

/** [blob] * n with blob = `bytes` of `size` bytes: memo 0 the list, memo 1 the blob. */
export function memoBytesList(size: number, n: number): Buffer {
  const blob = Buffer.alloc(size, 0x61);
  return Buffer.concat([
    PROTO4,
    Buffer.from("]", "latin1"),
    MEMOIZE,
    binbytes(blob),
    MEMOIZE,
    Buffer.from("a", "latin1"),
    ...repeated(1, n - 1, "e"),
    STOP,
  ]);
}

/** A set whose n members are all one memoized str of `size` characters (Python's set would hold it once). */
export function memoStrSet(size: number, n: number): Buffer {
  return Buffer.concat([
    PROTO4,
    Buffer.from([0x8f]),
    MEMOIZE,
    MARK,
    binunicode("s".repeat(size)),
    MEMOIZE,
    Buffer.from([0x90]),
    ...repeated(1, n, "\x90"),
    STOP,
  ]);
}

/** A dict given the same memoized str key n times (SETITEMS of (key, i) pairs): Python keeps one key. */
export function memoStrDictKeys(size: number, n: number): Buffer {
  const parts: Buffer[] = [PROTO4, Buffer.from("}", "latin1"), MEMOIZE, MARK, binunicode("k".repeat(size)), MEMOIZE, binint(0)];
  for (let i = 1; i < n; i++) {
    if (i % 1000 === 0) parts.push(Buffer.from("u(", "latin1"));
    parts.push(get(1), binint(i));
  }
  parts.push(Buffer.from("u", "latin1"), STOP);
  return Buffer.concat(parts);
}

/** A set of n distinct tuples (s, i), each holding the one memoized str s of `size` characters. */
export function memoStrTupleSet(size: number, n: number): Buffer {
  const parts: Buffer[] = [PROTO4, Buffer.from([0x8f]), MEMOIZE, binunicode("t".repeat(size)), MEMOIZE, Buffer.from("0", "latin1")];
  for (let done = 0; done < n;) {
    const batch = Math.min(1000, n - done);
    parts.push(MARK);
    for (let i = 0; i < batch; i++) parts.push(get(1), binint(done + i), Buffer.from([0x86]));
    parts.push(Buffer.from([0x90]));
    done += batch;
  }
  parts.push(STOP);
  return Buffer.concat(parts);
}

/** Lists nested `depth` deep: [[[...]]]. */
export function deepList(depth: number): Buffer {
  return Buffer.concat([PROTO4, Buffer.alloc(depth, "]"), Buffer.alloc(depth - 1, "a"), STOP]);
}

/** x0 = [1]; x(i+1) = [x(i), x(i)]: 2^levels leaves when expanded. */
export function doublingList(levels: number): Buffer {
  const parts: Buffer[] = [PROTO4, Buffer.from("]", "latin1"), MEMOIZE, Buffer.from([0x4b, 1]), Buffer.from("a", "latin1")];
  for (let i = 0; i < levels; i++) parts.push(Buffer.from("]", "latin1"), MEMOIZE, MARK, get(i), get(i), Buffer.from("e", "latin1"));
  parts.push(STOP);
  return Buffer.concat(parts);
}

export type Wrapper = "zlib" | "lzma" | "zstd";

export function compress(data: Buffer, how: Wrapper): Buffer {
  switch (how) {
    case "zlib":
      return zlib.deflateSync(data);
    case "lzma":
      return Buffer.from(xzCompressSync(data));
    case "zstd":
      return execFileSync("zstd", ["-q", "-c", "-3"], { input: data, maxBuffer: 64 * 1024 * 1024 });
  }
}

/** A FileBasedCache file: pickled expiry (None: never), then zlib(pickle(value)), as Django's _write_content. */
export function djcache(pickle: Buffer, expiry: number | null = null): Buffer {
  const head =
    expiry === null ? Buffer.from([0x80, 0x04, 0x4e, 0x2e]) : Buffer.concat([Buffer.from([0x80, 0x04, 0x47]), f64be(expiry), STOP]);
  return Buffer.concat([head, zlib.deflateSync(pickle)]);
}

function f64be(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return b;
}

/** The bombs of issue #10 and their variants, by name (sizes as reported there unless noted). */
export const BOMBS: Record<string, () => Buffer> = {
  "memoized 1 MB bytes in a list ×200,000": () => memoBytesList(1 << 20, 200_000),
  "memoized 100 KB bytes in a list ×3,000": () => memoBytesList(100 << 10, 3_000),
  "memoized 1 MB str in a set ×500,000": () => memoStrSet(1 << 20, 500_000),
  "memoized 1 MB str as a dict key ×200,000": () => memoStrDictKeys(1 << 20, 200_000),
  "set of 200,000 tuples holding one memoized 1 MB str": () => memoStrTupleSet(1 << 20, 200_000),
  "lists nested 100,000 deep": () => deepList(100_000),
  "shared lists doubling 60 levels": () => doublingList(60),
};
