import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeEntry, readFileExpiry } from "./decode";
import { decodeHintFor } from "@/lib/backends/registry";
import type { PyValue } from "./pyvalue";
import type { DecodedEntry, DecodeHint } from "./types";
import { seededRandom } from "@/lib/random";

/** The decoder is total: whatever the bytes, it returns a value or an "undecodable" error, and never throws. */

interface Vector {
  id: string;
  backend: string;
  options: Record<string, unknown>;
  bytesBase64: string;
  flags?: number;
}

const shared = process.env.CACHESCOPE_SHARED ?? path.resolve(process.cwd(), "../shared");
const vectors = JSON.parse(fs.readFileSync(path.join(shared, "vectors", "vectors.json"), "utf8")) as Vector[];

const HINTS: DecodeHint[] = [
  { source: "django-redis", serializer: "pickle", compressor: null },
  { source: "django-redis", serializer: "pickle", compressor: "zlib" },
  { source: "django-redis", serializer: "json", compressor: "gzip" },
  { source: "django-redis", serializer: "msgpack", compressor: "lz4" },
  { source: "django-redis", serializer: "pickle", compressor: "lzma" },
  { source: "django-redis", serializer: "pickle", compressor: "zstd" },
  { source: "redis-builtin" },
  { source: "memcached", flags: 1, client: "pymemcache" },
  { source: "memcached", flags: 9, client: "pylibmc" },
  { source: "memcached", flags: 16, client: "pylibmc" },
  { source: "filebased" },
  { source: "database" },
];

function expectTotal(got: DecodedEntry): void {
  if (got.value === null) expect(got.error).toMatch(/^undecodable: /);
  else expect(got.error).toBeUndefined();
}

function decodeOrFail(bytes: Uint8Array, hint: DecodeHint, limits?: Parameters<typeof decodeEntry>[2]): DecodedEntry {
  const got = decodeEntry(bytes, hint, limits);
  expectTotal(got);
  return got;
}

/** Generous per-test timeouts for the bulk loops: a hang still fails, a busy machine does not. */
const BULK = { timeout: 120_000 };

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const concat = (...parts: (Uint8Array | string)[]): Uint8Array =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p)))));

function depthOf(v: PyValue): number {
  let depth = 0;
  let cur: PyValue | undefined = v;
  while (cur !== undefined && cur.type === "list") {
    depth++;
    cur = cur.items[0];
  }
  return depth;
}

function hasProtoPollution(): boolean {
  return (Object.prototype as Record<string, unknown>).polluted !== undefined;
}

describe("truncated vectors", () => {
  it("every prefix of every vector decodes or fails cleanly", BULK, () => {
    let undecodable = 0;
    for (const v of vectors) {
      const hint = decodeHintFor(v.backend, v.options, v.flags);
      expect(hint).not.toBeNull();
      if (hint === null) continue;
      const bytes = new Uint8Array(Buffer.from(v.bytesBase64, "base64"));
      for (let n = 0; n < bytes.length; n++) {
        if (decodeOrFail(bytes.subarray(0, n), hint).value === null) undecodable++;
      }
    }
    // Most prefixes of a pickle lack STOP: the bulk of them must be reported, not silently "decoded".
    expect(undecodable).toBeGreaterThan(1000);
  });
});

describe("random input", () => {
  it("random bytes under every hint", BULK, () => {
    const rand = seededRandom(20261125);
    for (let i = 0; i < 4000; i++) {
      const len = Math.floor(rand() * 64);
      const bytes = new Uint8Array(len);
      for (let j = 0; j < len; j++) bytes[j] = Math.floor(rand() * 256);
      // Start half of them with a real opcode or magic so the parsers get past the first byte.
      if (len > 2 && i % 2 === 0) bytes[0] = [0x80, 0x28, 0x5d, 0x7d, 0x78, 0x1f, 0x04, 0x28, 0xfd, 0x91, 0x5b][i % 11];
      for (const hint of HINTS) decodeOrFail(bytes, hint);
    }
  });

  it("vectors with random byte flips", BULK, () => {
    const rand = seededRandom(42);
    for (let i = 0; i < 3000; i++) {
      const v = vectors[Math.floor(rand() * vectors.length)];
      const hint = decodeHintFor(v.backend, v.options, v.flags);
      if (hint === null) continue;
      const bytes = new Uint8Array(Buffer.from(v.bytesBase64, "base64"));
      if (bytes.length === 0) continue;
      const flips = 1 + Math.floor(rand() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      decodeOrFail(bytes, hint);
    }
  });
});

describe("deep nesting", () => {
  const pickleHint: DecodeHint = { source: "redis-builtin" };

  it("a pickled list nested 10,000 deep is cut at maxDepth", () => {
    // EMPTY_LIST 10,000 times, then APPEND 9,999 times: each list goes into the one below it.
    const data = concat(hex("8002"), "]".repeat(10_000), "a".repeat(9_999), ".");
    const got = decodeOrFail(data, pickleHint);
    expect(got.truncated).toBe(true);
    expect(got.value).not.toBeNull();
    expect(depthOf(got.value as PyValue)).toBeLessThanOrEqual(401);
    expect(JSON.stringify(got.value).length).toBeGreaterThan(0);
  });

  it("tuples nested 10,000 deep through MARK", () => {
    const data = concat(hex("8002"), "(".repeat(10_000), ")", "t".repeat(10_000), ".");
    expectTotal(decodeEntry(data, pickleHint));
  });

  it("dict keys nested 10,000 deep in tuples", () => {
    // {((((…),),),): 1}: hashing the key must not recurse without bound.
    const data = concat(hex("8002"), "}", ")", "\x85".repeat(10_000), "K\x01s.");
    expectTotal(decodeEntry(data, pickleHint));
  });

  it("JSON and msgpack nested 10,000 deep", () => {
    const json = new Uint8Array(Buffer.from("[".repeat(10_000) + "]".repeat(10_000)));
    const got = decodeOrFail(json, { source: "django-redis", serializer: "json", compressor: null });
    expect(got.truncated).toBe(true);
    const msgpack = concat(Buffer.alloc(10_000, 0x91), hex("c0"));
    const got2 = decodeOrFail(msgpack, { source: "django-redis", serializer: "msgpack", compressor: null });
    expect(got2.truncated).toBe(true);
  });
});

describe("size limits", () => {
  const bomb = new Uint8Array(zlib.deflateSync(Buffer.alloc(50_000_000)));

  it("a zlib bomb is refused under every hint that inflates", () => {
    const limits = { maxInflatedBytes: 1024 * 1024 };
    const redis = decodeOrFail(bomb, { source: "django-redis", serializer: "pickle", compressor: "zlib" }, limits);
    expect(redis.error).toMatch(/exceeds/);
    const mc = decodeOrFail(bomb, { source: "memcached", flags: 9, client: "pylibmc" }, limits);
    expect(mc.error).toMatch(/exceeds/);
    const file = decodeOrFail(concat(hex("80054e2e"), bomb), { source: "filebased" }, limits);
    expect(file.error).toMatch(/exceeds/);
    expect(file.fileExpiry).toBeNull();
  });

  it("huge declared lengths fail before allocating", () => {
    const cases = [
      hex("8004 8d 0000000000010000"), // BINUNICODE8 of 2^40 bytes
      hex("8004 8e ffffffffffffffff"), // BINBYTES8 of 2^64-1 bytes
      hex("8005 96 00000000ffffff7f"), // BYTEARRAY8
      hex("8003 42 ffffff7f 41"), // BINBYTES of 2^31-1 bytes
      hex("8002 58 ffffffff"), // BINUNICODE of a negative length
      hex("8002 8b ffffff7f 00"), // LONG4 of 2^31-1 bytes
      hex("8004 95 ffffffffffffffff 4e2e"), // FRAME of 2^64-1 bytes
    ];
    for (const c of cases) {
      const got = decodeOrFail(c, { source: "redis-builtin" });
      expect(got.value).toBeNull();
    }
    const mp = [hex("db ffffffff 41"), hex("dd ffffffff c0"), hex("df ffffffff c0c0"), hex("c6 ffffffff")];
    for (const c of mp) {
      const got = decodeOrFail(c, { source: "django-redis", serializer: "msgpack", compressor: null });
      expect(got.value).toBeNull();
    }
  });

  it("memo indexes out of range are errors", () => {
    for (const c of [hex("8002 6805 2e"), hex("8002 6affffffff 2e"), concat("g99\n.")]) {
      const got = decodeOrFail(c, { source: "redis-builtin" });
      expect(got.error).toMatch(/memo/);
    }
  });

  it("maxNodes cuts a long list and says so", () => {
    // A list of 100,000 BININT1 items built with APPENDS.
    const data = concat(hex("8002 5d 28"), Buffer.from("K\x07".repeat(100_000), "latin1"), "e.");
    const got = decodeOrFail(data, { source: "redis-builtin" }, { maxNodes: 1000 });
    expect(got.truncated).toBe(true);
    const v = got.value as Extract<PyValue, { type: "list" | "tuple" | "set" | "frozenset" }>;
    expect(v.items.length).toBeLessThanOrEqual(1001);
    expect(v.items[v.items.length - 1]).toStrictEqual({ type: "truncated", omitted: 100_000 - 999 });
  });

  it("shared references that double at every level are written once each, not expanded", () => {
    // x0 = [1]; x(i+1) = [x(i), x(i)] for 60 levels: 2^60 leaves when expanded.
    // EMPTY_LIST, MEMOIZE, BININT1 1, APPEND; then per level EMPTY_LIST, MEMOIZE, MARK, BINGET i twice, APPENDS.
    let body = "]\x94K\x01a";
    for (let i = 0; i < 60; i++) body += `]\x94(h${String.fromCharCode(i)}h${String.fromCharCode(i)}e`;
    const got = decodeOrFail(concat(hex("8004"), body, "."), { source: "redis-builtin" }, { maxNodes: 10_000 });
    expect(got.truncated).toBe(false);
    const json = JSON.stringify(got.value);
    expect(json.length).toBeLessThan(20_000);
    // The top level holds its child once, then a reference to it.
    const top = got.value as Extract<PyValue, { type: "list" | "tuple" | "set" | "frozenset" }>;
    const first = top.items[0] as Extract<PyValue, { type: "list" | "tuple" | "set" | "frozenset" }>;
    expect(first.id).toBeGreaterThan(0);
    expect(top.items[1]).toStrictEqual({ type: "ref", id: first.id });
  });

  it("long bodies of cached pages are capped", () => {
    const v = vectors.find((x) => x.id === "d52-djredis-page");
    expect(v).toBeDefined();
    if (v === undefined) return;
    const hint = decodeHintFor(v.backend, v.options) as DecodeHint;
    const got = decodeEntry(new Uint8Array(Buffer.from(v.bytesBase64, "base64")), hint, { maxBodyChars: 10 });
    expect(got.response?.bodyTruncated).toBe(true);
    expect(got.response?.bodyText).toHaveLength(10);
  });
});

describe("__proto__ keys stay data", () => {
  it("in pickle, JSON and msgpack", () => {
    const key = { type: "str", value: "__proto__" };
    const pickled = decodeOrFail(hex("8004 7d 8c095f5f70726f746f5f5f 7d 8c08706f6c6c75746564 88 73 73 2e"), { source: "redis-builtin" });
    expect((pickled.value as Extract<PyValue, { type: "dict" }>).items[0][0]).toStrictEqual(key);
    const json = decodeOrFail(new Uint8Array(Buffer.from('{"__proto__": {"polluted": true}, "constructor": 1}')), {
      source: "django-redis",
      serializer: "json",
      compressor: null,
    });
    expect((json.value as Extract<PyValue, { type: "dict" }>).items[0][0]).toStrictEqual(key);
    const mp = decodeOrFail(hex("81 a95f5f70726f746f5f5f 81 a8706f6c6c75746564 c3"), {
      source: "django-redis",
      serializer: "msgpack",
      compressor: null,
    });
    expect((mp.value as Extract<PyValue, { type: "dict" }>).items[0][0]).toStrictEqual(key);
    expect(hasProtoPollution()).toBe(false);
  });

  it("in response headers", () => {
    const v = vectors.find((x) => x.id === "d52-djredis-page");
    if (v === undefined) throw new Error("vector missing");
    // Rename the stored "content-type" header key (same length) to "__proto__ty" in the pickle.
    const raw = Buffer.from(v.bytesBase64, "base64");
    const at = raw.indexOf("content-type");
    expect(at).toBeGreaterThan(0);
    raw.write("__proto__typ", at, "latin1");
    const got = decodeOrFail(new Uint8Array(raw), decodeHintFor(v.backend, v.options) as DecodeHint);
    expect(got.response?.headers["__proto__typ"]).toBe("text/html; charset=utf-8");
    expect(hasProtoPollution()).toBe(false);
  });
});

describe("readFileExpiry", () => {
  it("reads the head only, and null for anything else", () => {
    expect(readFileExpiry(hex("80054e2e"))).toStrictEqual({ expiry: null, headerLength: 4 });
    expect(readFileExpiry(hex("8005 950a00000000000000 47 41d9b344e4000000 2e"))).toStrictEqual({
      expiry: 1724715920,
      headerLength: 21,
    });
    expect(readFileExpiry(new Uint8Array(0))).toBeNull();
    expect(readFileExpiry(hex("8005"))).toBeNull();
    expect(readFileExpiry(hex("80058c01612e"))).toBeNull();
  });

  it("agrees with decodeEntry on every file vector", () => {
    for (const v of vectors.filter((x) => x.backend.endsWith("FileBasedCache"))) {
      const bytes = new Uint8Array(Buffer.from(v.bytesBase64, "base64"));
      const head = readFileExpiry(bytes.subarray(0, 32));
      expect(head).not.toBeNull();
      expect(head?.expiry).toBe(decodeEntry(bytes, { source: "filebased" }).fileExpiry);
    }
  });
});
