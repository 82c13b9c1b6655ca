import { describe, expect, it } from "vitest";
import { Budget } from "./budget";
import { decodeEntry, DEFAULT_LIMITS } from "./decode";
import { decodeHintFor } from "@/lib/backends/registry";
import { JsonError, parseJson } from "./json";
import { MsgpackError, parseMsgpack } from "./msgpack";
import type { PyValue } from "./pyvalue";

const budget = (): Budget => new Budget(DEFAULT_LIMITS);
const json = (s: string): PyValue => parseJson(s, budget());
const mp = (h: string): PyValue => parseMsgpack(new Uint8Array(Buffer.from(h.replace(/\s+/g, ""), "hex")), budget());
const str = (value: string): PyValue => ({ type: "str", value });
const int = (value: string): PyValue => ({ type: "int", value });

describe("json (Python json.loads semantics)", () => {
  it("keeps integers exact and floats as doubles", () => {
    expect(json("123456789012345678901234567890")).toStrictEqual(int("123456789012345678901234567890"));
    expect(json("-0")).toStrictEqual(int("0"));
    expect(json("1.5e3")).toStrictEqual({ type: "float", value: 1500 });
    expect(json("1e400")).toStrictEqual({ type: "float", value: "inf" });
    expect(json("[NaN, Infinity, -Infinity]")).toStrictEqual({
      type: "list",
      items: [
        { type: "float", value: "nan" },
        { type: "float", value: "inf" },
        { type: "float", value: "-inf" },
      ],
    });
  });

  it("keeps key order, and a repeated key takes the last value at the first place", () => {
    expect(json('{"2": 1, "1": 2, "2": 3}')).toStrictEqual({
      type: "dict",
      items: [
        [str("2"), int("3")],
        [str("1"), int("2")],
      ],
    });
  });

  it("decodes escapes, surrogate pairs included", () => {
    expect(json('"a\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83c\\udf89"')).toStrictEqual(str('a"\\/\b\f\n\r\té🎉'));
  });

  it("rejects what Python rejects", () => {
    for (const bad of ["", "[1,]", "{'a': 1}", '"\n"', "01", "[1] x", '"\\x41"', "tru", '{"a" 1}', "[1"]) {
      expect(() => json(bad), bad).toThrow(JsonError);
    }
  });
});

describe("msgpack (raw=False)", () => {
  it("decodes every scalar family", () => {
    expect(mp("c0")).toStrictEqual({ type: "none" });
    expect(mp("c3")).toStrictEqual({ type: "bool", value: true });
    expect(mp("7f")).toStrictEqual(int("127"));
    expect(mp("e0")).toStrictEqual(int("-32"));
    expect(mp("cf ffffffffffffffff")).toStrictEqual(int("18446744073709551615"));
    expect(mp("d3 8000000000000000")).toStrictEqual(int("-9223372036854775808"));
    expect(mp("cb 3ff8000000000000")).toStrictEqual({ type: "float", value: 1.5 });
    expect(mp("ca 7f800000")).toStrictEqual({ type: "float", value: "inf" });
    expect(mp("a3 c3a96c")).toStrictEqual(str("él"));
    expect(mp("c4 02 00ff")).toStrictEqual({ type: "bytes", base64: "AP8=", length: 2 });
  });

  it("keeps maps as ordered pairs with any key type", () => {
    expect(mp("82 02 a1 62 01 a1 61")).toStrictEqual({
      type: "dict",
      items: [
        [int("2"), str("b")],
        [int("1"), str("a")],
      ],
    });
  });

  it("rejects truncated data, extra data and bad UTF-8", () => {
    for (const bad of ["", "92 01", "01 02", "a2 ff fe", "c1", "dc 0001"]) {
      expect(() => mp(bad), bad).toThrow(MsgpackError);
    }
  });
});

describe("decodeEntry rules", () => {
  const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));

  it("reads ASCII integers the way Python int() does", () => {
    const hint = { source: "redis-builtin" } as const;
    expect(decodeEntry(bytes(" +1_000\n"), hint).value).toStrictEqual(int("1000"));
    expect(decodeEntry(bytes("-007"), hint).value).toStrictEqual(int("-7"));
    expect(decodeEntry(bytes("1__0"), hint).value).toBeNull();
    expect(decodeEntry(bytes("42"), hint).encoding.format).toBe("int");
  });

  it("maps memcached flags to formats", () => {
    const mc = (flags: number) => ({ source: "memcached", flags, client: "pymemcache" }) as const;
    expect(decodeEntry(bytes("abc"), mc(0))).toMatchObject({ encoding: { format: "bytes", flags: 0 } });
    expect(decodeEntry(bytes("héllo"), mc(16)).value).toBeNull();
    expect(decodeEntry(new Uint8Array(Buffer.from("héllo")), mc(16)).value).toStrictEqual(str("héllo"));
    expect(decodeEntry(bytes("1"), mc(2)).value).toStrictEqual(int("1"));
    expect(decodeEntry(bytes("x"), mc(4)).error).toMatch(/^undecodable: /);
  });

  it("reads short django-redis values stored without compression", () => {
    // Values under the compressor's min_length are stored plain: no magic, so the serializer reads them as they are.
    const hint = decodeHintFor("django_redis.cache.RedisCache", {
      SERIALIZER: "django_redis.serializers.json.JSONSerializer",
      COMPRESSOR: "django_redis.compressors.zlib.ZlibCompressor",
    });
    expect(hint).toStrictEqual({ source: "django-redis", serializer: "json", compressor: "zlib" });
    const got = decodeEntry(bytes('"x"'), hint as NonNullable<typeof hint>);
    expect(got).toMatchObject({ value: str("x"), encoding: { format: "json", compression: null } });
  });

  it("falls back to the raw bytes when django-redis decompression fails", () => {
    const got = decodeEntry(new Uint8Array([0x78, 0x9c, 0x00, 0x01]), {
      source: "django-redis",
      serializer: "pickle",
      compressor: "zlib",
    });
    // The error comes from the unpickler reading the raw bytes, not from zlib.
    expect(got.error).toMatch(/^undecodable: pickle: invalid load key 0x78/);
  });

  it("unwraps HerdClient tuples for display only", () => {
    // (Marker(), 'v', 1700000000) at protocol 4
    const data = new Uint8Array(
      Buffer.from(
        "80049535000000000000008c18646a616e676f5f72656469732e636c69656e742e68657264948c064d61726b65729493942981948c0176944a00f1536587942e",
        "hex",
      ),
    );
    const got = decodeEntry(data, { source: "django-redis", serializer: "pickle", compressor: null });
    expect(got.value?.type).toBe("tuple");
    expect(got.herd).toStrictEqual({ value: str("v"), logicalExpiry: 1700000000 });
  });
});

describe("limits", () => {
  it("an undefined limit keeps its default", () => {
    const data = new Uint8Array(Buffer.from("[" + "1,".repeat(DEFAULT_LIMITS.maxNodes + 10) + "1]"));
    const hint = { source: "django-redis", serializer: "json", compressor: null } as const;
    expect(decodeEntry(data, hint, { maxNodes: undefined }).truncated).toBe(true);
    expect(decodeEntry(data, hint, { maxNodes: DEFAULT_LIMITS.maxNodes * 2 }).truncated).toBe(false);
  });
});

describe("decodeHintFor", () => {
  it("maps Django backends and django-redis options", () => {
    expect(decodeHintFor("django_redis.cache.RedisCache", {})).toStrictEqual({
      source: "django-redis",
      serializer: "pickle",
      compressor: null,
    });
    expect(
      decodeHintFor("django_redis.cache.RedisCache", {
        SERIALIZER: "django_redis.serializers.msgpack.MSGPackSerializer",
        COMPRESSOR: "django_redis.compressors.zstd.ZStdCompressor",
      }),
    ).toStrictEqual({ source: "django-redis", serializer: "msgpack", compressor: "zstd" });
    expect(decodeHintFor("django.core.cache.backends.redis.RedisCache", {})).toStrictEqual({ source: "redis-builtin" });
    expect(decodeHintFor("django.core.cache.backends.filebased.FileBasedCache", {})).toStrictEqual({ source: "filebased" });
    expect(decodeHintFor("django.core.cache.backends.db.DatabaseCache", {})).toStrictEqual({ source: "database" });
    expect(decodeHintFor("django.core.cache.backends.memcached.PyLibMCCache", {}, 16)).toStrictEqual({
      source: "memcached",
      flags: 16,
      client: "pylibmc",
    });
    expect(decodeHintFor("django.core.cache.backends.memcached.PyMemcacheCache", {})).toBeNull();
    expect(decodeHintFor("django.core.cache.backends.locmem.LocMemCache", {})).toBeNull();
  });
});
