import zlib from "node:zlib";
import { Decompress as ZstdStream } from "fzstd";
import lz4 from "lz4js";
import { decompressSync as xzDecompressSync } from "@napi-rs/lzma/xz";
import type { Compressor } from "./types";

/**
 * Bounded decompression for the django-redis compressors and memcached's zlib flag. Every path caps its output at
 * maxOutput bytes: zlib/gzip through node's maxOutputLength, zstd by streaming, lz4 and xz by walking the frame's
 * block headers first (sizes the decoders then enforce) so nothing is allocated past the cap.
 */

export class DecompressError extends Error {
  /** True when the data was refused for exceeding the output cap (a bomb), not for being corrupt. */
  constructor(
    message: string,
    readonly overLimit = false,
  ) {
    super(message);
  }
}

const MAGIC: Readonly<Record<Compressor, readonly number[]>> = {
  zlib: [0x78],
  gzip: [0x1f, 0x8b, 0x08],
  lzma: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
  lz4: [0x04, 0x22, 0x4d, 0x18],
  zstd: [0x28, 0xb5, 0x2f, 0xfd],
};

/** Whether the bytes start with the compressor's magic (zlib: a valid CMF/FLG header with deflate). */
export function hasMagic(b: Uint8Array, c: Compressor): boolean {
  const m = MAGIC[c];
  if (b.length < Math.max(m.length, 2)) return false;
  for (let i = 0; i < m.length; i++) if (b[i] !== m[i]) return false;
  if (c === "zlib") return (b[0] & 0x0f) === 8 && (b[0] * 256 + b[1]) % 31 === 0;
  return true;
}

export function detectCompression(b: Uint8Array): Compressor | null {
  for (const c of ["zlib", "gzip", "lzma", "lz4", "zstd"] as const) if (hasMagic(b, c)) return c;
  return null;
}

export function decompress(b: Uint8Array, c: Compressor, maxOutput: number): Uint8Array {
  try {
    switch (c) {
      case "zlib":
        return new Uint8Array(zlib.inflateSync(b, { maxOutputLength: maxOutput }));
      case "gzip":
        return new Uint8Array(zlib.gunzipSync(b, { maxOutputLength: maxOutput }));
      case "zstd":
        return zstd(b, maxOutput);
      case "lz4":
        return lz4Frame(b, maxOutput);
      case "lzma":
        return xz(b, maxOutput);
    }
  } catch (e) {
    if (e instanceof DecompressError) throw e;
    if (e instanceof RangeError && (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw tooLarge(c, maxOutput);
    }
    throw new DecompressError(`${c}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function tooLarge(c: string, maxOutput: number): DecompressError {
  return new DecompressError(`${c}: output exceeds ${maxOutput} bytes`, true);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** fzstd allocates each frame's declared window up front: check every frame header before decoding. */
function zstd(b: Uint8Array, maxOutput: number): Uint8Array {
  const maxWindow = Math.max(maxOutput, 8 << 20);
  let p = 0;
  while (p < b.length) {
    if (b.length - p < 8) throw new DecompressError("zstd: truncated frame");
    const magic = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
    if ((magic & 0xfffffff0) === (0x184d2a50 | 0)) {
      const size = (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24)) >>> 0;
      p += 8 + size;
      continue;
    }
    if (magic !== (0xfd2fb528 | 0)) throw new DecompressError("zstd: bad frame magic");
    const flg = b[p + 4];
    const single = (flg >> 5) & 1;
    const fcf = flg >> 6;
    const dictBytes = [0, 1, 2, 4][flg & 3];
    const fsBytes = fcf ? 1 << fcf : single;
    let q = p + 5 + (single ? 0 : 1) + dictBytes;
    let contentSize = 0;
    for (let i = 0; i < fsBytes; i++) contentSize += (b[q + i] ?? 0) * 2 ** (8 * i);
    if (fcf === 1) contentSize += 256;
    let window = contentSize;
    if (!single) {
      const wb = 1 << (10 + (b[p + 5] >> 3));
      window = wb + (wb >> 3) * (b[p + 5] & 7);
    }
    if (window > maxWindow || contentSize > maxOutput) throw tooLarge("zstd", maxOutput);
    q += fsBytes;
    for (;;) {
      if (q + 3 > b.length) throw new DecompressError("zstd: truncated block");
      const h = b[q] | (b[q + 1] << 8) | (b[q + 2] << 16);
      const type = (h >> 1) & 3;
      const size = h >>> 3;
      q += 3 + (type === 1 ? 1 : size);
      if (h & 1) break;
    }
    p = q + ((flg >> 2) & 1 ? 4 : 0);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new ZstdStream((chunk) => {
    total += chunk.length;
    if (total > maxOutput) throw tooLarge("zstd", maxOutput);
    chunks.push(chunk.slice());
  });
  stream.push(b, true);
  return concat(chunks, total);
}

const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];

/**
 * lz4js trusts the frame: it reads past the input and writes past its buffer silently. Walk the blocks first so
 * every block lies inside the input and the sum of block maxima fits the cap, then decode into a buffer of that bound.
 */
function lz4Frame(b: Uint8Array, maxOutput: number): Uint8Array {
  if (b.length < 7) throw new DecompressError("lz4: truncated frame");
  const flg = b[4];
  if ((flg & 0xc0) !== 0x40) throw new DecompressError("lz4: unsupported frame version");
  const blockMax = LZ4_BLOCK_MAX[(b[5] >> 4) & 7];
  if (!blockMax) throw new DecompressError("lz4: invalid block size");
  const blockChecksum = (flg & 0x10) !== 0;
  let p = 6 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0) + 1;
  let bound = 0;
  for (;;) {
    if (p + 4 > b.length) throw new DecompressError("lz4: truncated frame");
    const word = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
    p += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (size > blockMax) throw new DecompressError("lz4: block larger than the frame's maximum");
    // An LZ4 sequence turns each input byte into at most 255 output bytes (plus a short tail).
    bound += word & 0x80000000 ? size : Math.min(blockMax, size * 255 + 16);
    p += size + (blockChecksum ? 4 : 0);
    if (p > b.length) throw new DecompressError("lz4: truncated block");
  }
  if (flg & 0x04) p += 4;
  if (p > b.length) throw new DecompressError("lz4: truncated frame");
  if (bound > maxOutput) throw tooLarge("lz4", maxOutput);
  const dst = new Uint8Array(bound);
  const n = lz4.decompressFrame(b.subarray(0, p), dst);
  if (n > bound) throw new DecompressError("lz4: corrupt block");
  return dst.slice(0, n);
}

function readVli(b: Uint8Array, p: number): [number, number] {
  let v = 0;
  for (let i = 0; i < 9; i++) {
    if (p + i >= b.length) throw new DecompressError("xz: truncated");
    const byte = b[p + i];
    v += (byte & 0x7f) * 2 ** (7 * i);
    if (!(byte & 0x80)) return [v, p + i + 1];
  }
  throw new DecompressError("xz: bad integer");
}

const XZ_CHECK_SIZE = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];
const XZ_SIZE_KEEPING_FILTERS = new Set([0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b]);

/**
 * @napi-rs/lzma decodes the whole buffer at once, with no output cap. LZMA2 chunk headers carry their unpacked
 * sizes and liblzma enforces them, so summing them over every block of every stream bounds the output exactly.
 */
function xzBound(b: Uint8Array): number {
  let total = 0;
  let p = 0;
  while (p < b.length) {
    if (b.length - p < 12 || !hasMagic(b.subarray(p), "lzma")) throw new DecompressError("xz: bad stream header");
    const checkSize = XZ_CHECK_SIZE[b[p + 7] & 0x0f];
    p += 12;
    for (;;) {
      if (p >= b.length) throw new DecompressError("xz: truncated");
      if (b[p] === 0) break;
      const blockStart = p;
      const headerSize = (b[p] + 1) * 4;
      const flags = b[p + 1];
      let q = p + 2;
      if (flags & 0x40) q = readVli(b, q)[1];
      if (flags & 0x80) q = readVli(b, q)[1];
      const filters = (flags & 3) + 1;
      let lastId = -1;
      for (let i = 0; i < filters; i++) {
        let id: number;
        let propSize: number;
        [id, q] = readVli(b, q);
        [propSize, q] = readVli(b, q);
        q += propSize;
        if (i < filters - 1 && !XZ_SIZE_KEEPING_FILTERS.has(id)) throw new DecompressError("xz: unsupported filter");
        lastId = id;
      }
      if (lastId !== 0x21) throw new DecompressError("xz: only LZMA2 is supported");
      p = blockStart + headerSize;
      for (;;) {
        if (p >= b.length) throw new DecompressError("xz: truncated");
        const c = b[p];
        if (c === 0) {
          p++;
          break;
        }
        if (p + 3 > b.length) throw new DecompressError("xz: truncated");
        if (c === 1 || c === 2) {
          const size = ((b[p + 1] << 8) | b[p + 2]) + 1;
          total += size;
          p += 3 + size;
        } else if (c >= 0x80) {
          if (p + 5 > b.length) throw new DecompressError("xz: truncated");
          total += ((c & 0x1f) << 16) + ((b[p + 1] << 8) | b[p + 2]) + 1;
          const packed = ((b[p + 3] << 8) | b[p + 4]) + 1;
          p += 5 + (((c >> 5) & 3) >= 2 ? 1 : 0) + packed;
        } else throw new DecompressError("xz: bad LZMA2 chunk");
      }
      while ((p - blockStart) % 4 !== 0) p++;
      p += checkSize;
    }
    let records: number;
    [records, p] = readVli(b, p + 1);
    for (let i = 0; i < records * 2; i++) p = readVli(b, p)[1];
    while (p % 4 !== 0) p++;
    p += 4 + 12;
    while (p < b.length && b[p] === 0) p++;
  }
  return total;
}

function xz(b: Uint8Array, maxOutput: number): Uint8Array {
  if (xzBound(b) > maxOutput) throw tooLarge("lzma", maxOutput);
  return new Uint8Array(xzDecompressSync(b));
}
