import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeEntry } from "./decode";
import type { PyValue } from "./pyvalue";
import { unpickle, UnpickleError } from "./unpickle";

/**
 * fixtures/pickles.json: values pickled by CPython 3.11 with every protocol 0–5, each with the PyValue that the
 * reference to_pyvalue (vectors/README.md rules) gives for pickle.loads() of the same bytes.
 */
interface Fixture {
  id: string;
  protocol: number;
  base64: string;
  expected: PyValue;
}

const fixtures = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "pickles.json"), "utf8")) as Fixture[];
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const concat = (...parts: (Uint8Array | string)[]): Uint8Array =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p)))));

describe("CPython pickles, protocols 0-5", () => {
  for (const f of fixtures) {
    it(f.id, () => {
      const got = decodeEntry(new Uint8Array(Buffer.from(f.base64, "base64")), { source: "redis-builtin" });
      expect(got.error).toBeUndefined();
      expect(got.value).toStrictEqual(f.expected);
      const reported = Number(/^pickle protocol (\d)$/.exec(got.encoding.format)?.[1]);
      if (f.protocol === 1) expect([0, 1]).toContain(reported);
      else expect(reported).toBe(f.protocol);
    });
  }
});

describe("unpickle edge cases", () => {
  it("reads LONG1 as signed little-endian", () => {
    // LONG1 of 2 bytes 0xff 0x7f = 32767; 0x00 0x80 = -32768
    expect(unpickle(hex("8a02ff7f2e")).value).toStrictEqual({ k: "int", v: BigInt(32767) });
    expect(unpickle(hex("8a0200802e")).value).toStrictEqual({ k: "int", v: BigInt(-32768) });
  });

  it("reports where the second pickle starts", () => {
    expect(unpickle(hex("80054e2e ffff")).end).toBe(4);
  });

  it("refuses persistent ids, extension codes and out-of-band buffers", () => {
    expect(() => unpickle(hex("80025030 0a2e"))).toThrow(UnpickleError);
    expect(() => unpickle(hex("8002 8201 2e"))).toThrow(/extension/);
    expect(() => unpickle(hex("8005 97 2e"))).toThrow(/out-of-band/);
  });

  it("keeps __proto__ as a plain key", () => {
    // {'__proto__': 1} at protocol 2: EMPTY_DICT, BINUNICODE '__proto__', BININT1 1, SETITEM
    const got = decodeEntry(hex("8002 7d 58 09000000 5f5f70726f746f5f5f 4b01 73 2e"), { source: "redis-builtin" });
    expect(got.value).toStrictEqual({
      type: "dict",
      items: [
        [
          { type: "str", value: "__proto__" },
          { type: "int", value: "1" },
        ],
      ],
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("replaces a repeated dict key in place, like Python", () => {
    // DICT from MARK: 'a':1, 'b':2, 'a':3 (protocol 0 text opcodes)
    const got = decodeEntry(new Uint8Array(Buffer.from("(Va\nI1\nVb\nI2\nVa\nI3\nd.", "latin1")), { source: "redis-builtin" });
    expect(got.value).toStrictEqual({
      type: "dict",
      items: [
        [
          { type: "str", value: "a" },
          { type: "int", value: "3" },
        ],
        [
          { type: "str", value: "b" },
          { type: "int", value: "2" },
        ],
      ],
    });
  });

  it("reads lone surrogates the way pickle writes them (surrogatepass), and rejects invalid UTF-8", () => {
    // 'a\ud800b\U0001F389' at protocol 4, 'a\udfffb' at protocol 2
    expect(unpickle(hex("8004950d000000000000008c0961eda08062f09f8e89942e")).value).toStrictEqual({ k: "str", v: "a\ud800b🎉" });
    expect(unpickle(hex("8002580500000061edbfbf6271002e")).value).toStrictEqual({ k: "str", v: "a\udfffb" });
    expect(() => unpickle(hex("80048c02c3282e"))).toThrow(/utf-8/);
  });

  it("shows the argument of an Enum member pickled by value", () => {
    // Color.RED with Color(1) semantics at protocol 2: GLOBAL app.models Color, BININT1 1, TUPLE1, REDUCE
    const got = decodeEntry(concat(hex("8002"), "capp.models\nColor\n", hex("4b01 85 52 2e")), { source: "redis-builtin" });
    expect(got.value).toStrictEqual({ type: "object", class: "app.models.Color", value: { type: "int", value: "1" } });
  });

  it("keys made of shared tuples that double at every level are not hashed exhaustively", () => {
    // t0 = (1,); t(i+1) = (t(i), t(i)) for 60 levels, memoised; then {t60: 1} and frozenset({t60}).
    let body = "K\x01\x85\x94";
    for (let i = 0; i < 60; i++) body += `h${String.fromCharCode(i)}h${String.fromCharCode(i)}\x86\x94`;
    const last = String.fromCharCode(60);
    const data = concat(hex("8004"), "(}", `h${last}K\x01s`, `(h${last}\x91`, "t.");
    const got = decodeEntry(concat(hex("8004"), body, data.subarray(2)), { source: "redis-builtin" }, { maxNodes: 5000 });
    expect(got.error).toBeUndefined();
    // Each shared tuple is hashed and written once: the key and the member are references to one tuple.
    expect(got.truncated).toBe(false);
    expect(JSON.stringify(got.value).length).toBeLessThan(20_000);
  });

  it("merges equal keys of any type, in small and large dicts", () => {
    // {1: 'a', True: 'b', 1.0: 'c'} is {1: 'c'} in Python; the same with 20 other keys first (the indexed path).
    const small = concat(hex("8002"), "(I1\nVa\nI01\nVb\nF1.0\nVc\nd.");
    expect(decodeEntry(small, { source: "redis-builtin" }).value).toStrictEqual({
      type: "dict",
      items: [
        [
          { type: "int", value: "1" },
          { type: "str", value: "c" },
        ],
      ],
    });
    const filler = Array.from({ length: 20 }, (_, i) => `Vk${i}\nI${i}\n`).join("");
    const large = concat(hex("8002"), `(${filler}I1\nVa\nI01\nVb\nF1.0\nVc\nVk3\nVx\nd.`);
    const v = decodeEntry(large, { source: "redis-builtin" }).value as Extract<PyValue, { type: "dict" }>;
    expect(v.items).toHaveLength(21);
    expect(v.items[3]).toStrictEqual([
      { type: "str", value: "k3" },
      { type: "str", value: "x" },
    ]);
    expect(v.items[20]).toStrictEqual([
      { type: "int", value: "1" },
      { type: "str", value: "c" },
    ]);
  });

  it("shows a self-referencing list as a reference to itself instead of looping", () => {
    // l = []; l.append(l) at protocol 2: EMPTY_LIST, BINPUT 0, BINGET 0, APPEND
    const got = decodeEntry(hex("8002 5d 7100 6800 61 2e"), { source: "redis-builtin" });
    expect(got.value).toStrictEqual({ type: "list", id: 1, items: [{ type: "ref", id: 1 }] });
    expect(got.truncated).toBe(false);
  });

  // datetime(..., tzinfo=ZoneInfo('Europe/Berlin')) at protocol 4; only the 10-byte state differs between cases.
  const berlin = (state: string): Uint8Array =>
    hex(
      "8004957f000000000000008c086461746574696d65948c086461746574696d65949394430a" +
        state +
        "948c086275696c74696e73948c07676574617474729493948c087a6f6e65696e666f948c085a6f6e65496e666f9493948c095f756e7069636b6c65" +
        "94869452948c0d4575726f70652f4265726c696e944b0186945294869452942e",
    );
  const zoneCases: [string, string, string][] = [
    ["winter", "07e8010f0c0000000000", "2024-01-15T12:00:00+01:00"],
    ["repeated hour, fold=0", "07e80a1b021e00000000", "2024-10-27T02:30:00+02:00"],
    ["repeated hour, fold=1", "07e88a1b021e00000000", "2024-10-27T02:30:00+01:00"],
    ["skipped hour, fold=0", "07e8031f021e00000000", "2024-03-31T02:30:00+01:00"],
    ["skipped hour, fold=1", "07e8831f021e00000000", "2024-03-31T02:30:00+02:00"],
    ["local mean time", "073a0101000000000000", "1850-01-01T00:00:00+00:53:28"],
  ];
  for (const [name, state, iso] of zoneCases) {
    it(`gives a zoneinfo datetime the offset Python gives it: ${name}`, () => {
      const got = decodeEntry(berlin(state), { source: "redis-builtin" });
      expect(got.value).toStrictEqual({ type: "datetime", value: iso });
    });
  }
});
