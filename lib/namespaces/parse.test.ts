import { describe, expect, it } from "vitest";
import { MAX_LINE_BYTES, MAX_NAME_CHARS, MAX_NAMESPACES_PER_BUCKET, MAX_RECORDS_PER_BUCKET, OVERFLOW_NAMESPACE } from "./format";
import { parseBucket, type ParsedBucket } from "./parse";

const enc = new TextEncoder();
const B = 1_764_624_000;

function record(ns: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ v: 1, host: "web-1", pid: 42, at: B + 5.5, alias: "default", ns, ...extra }) + "\n";
}

function parse(text: string | Uint8Array, cut = false): ParsedBucket {
  return parseBucket(typeof text === "string" ? enc.encode(text) : text, { alias: "default", bucket: B, cut });
}

describe("parseBucket", () => {
  it("sums the records of every process by namespace, with every counter of the doc", () => {
    const p = parse(
      record({ "api:product-list": { k: "view", h: 12, m: 3, s: 3 }, "fragment:sidebar": { k: "fragment", h: 40, m: 1, s: 1 } }) +
        record({ "api:product-list": { k: "view", h: 1, m: 2, s: 2, a: 1, d: 4, i: 5, t: 6 } }, { pid: 43, at: B + 7 }),
    );
    expect(p.records).toBe(2);
    expect(p.skipped).toEqual({});
    expect(p.lastFlushAt).toBe((B + 7) * 1000);
    expect(p.namespaces.get("api:product-list")).toEqual({
      kind: "view",
      hits: 13,
      misses: 5,
      sets: 5,
      adds: 1,
      deletes: 4,
      incrs: 5,
      touches: 6,
    });
    expect(p.namespaces.get("fragment:sidebar")).toEqual({
      kind: "fragment",
      hits: 40,
      misses: 1,
      sets: 1,
      adds: 0,
      deletes: 0,
      incrs: 0,
      touches: 0,
    });
  });

  it("skips and counts lines that are not JSON, of another version, of another alias, cut short or malformed", () => {
    const good = record({ a: { k: "key", h: 1 } });
    const p = parse(
      good +
        "not json at all\n" +
        JSON.stringify({ v: 2, alias: "default", ns: { a: { k: "key", h: 100 } } }) +
        "\n" +
        JSON.stringify({ v: "1", alias: "default", ns: {} }) +
        "\n" +
        JSON.stringify({ alias: "default", ns: {} }) +
        "\n" +
        JSON.stringify({ v: 1, alias: "other", ns: { a: { k: "key", h: 100 } } }) +
        "\n" +
        JSON.stringify({ v: 1, alias: "default", ns: [] }) +
        "\n" +
        "[1,2,3]\nnull\n42\n\n\r\n" +
        good +
        good.slice(0, 30),
    );
    expect(p.records).toBe(2);
    expect(p.namespaces.get("a")?.hits).toBe(2);
    expect(p.skipped).toEqual({ notJson: 1, otherVersion: 2, badRecord: 5, otherAlias: 1, truncated: 1 });
  });

  it("skips a namespace with a wrong type but keeps the rest of its record", () => {
    const p = parse(
      record({
        ok: { k: "key", h: 1 },
        neg: { k: "key", h: -1 },
        float: { k: "key", m: 1.5 },
        str: { k: "key", s: "3" },
        huge: { k: "key", h: 2 ** 60 },
        kind: { k: "bogus", h: 1 },
        nokind: { h: 1 },
        notobj: 5,
        extra: { k: "key", h: 1, z: "ignored" },
      }),
    );
    expect([...p.namespaces.keys()].sort()).toEqual(["extra", "ok"]);
    expect(p.skipped).toEqual({ badNamespace: 7 });
  });

  it("takes the empty name the companion gives keys that start with a separator", () => {
    expect(parse(record({ "": { k: "key", h: 2 } })).namespaces.get("")).toMatchObject({ kind: "key", hits: 2 });
  });

  it("keeps a name's first kind, cuts long names and reports it", () => {
    const long = "x".repeat(MAX_NAME_CHARS + 50);
    const p = parse(record({ a: { k: "key", h: 1 }, [long]: { k: "key", h: 1 } }) + record({ a: { k: "view", h: 1 } }));
    expect(p.namespaces.get("a")).toMatchObject({ kind: "key", hits: 2 });
    expect(p.namespaces.has("x".repeat(MAX_NAME_CHARS))).toBe(true);
    expect(p.skipped).toEqual({ nameCut: 1 });
  });

  it("does not split a surrogate pair when cutting a name", () => {
    const name = "a".repeat(MAX_NAME_CHARS - 1) + "😀😀";
    const p = parse(record({ [name]: { k: "key", h: 1 } }));
    const [kept] = p.namespaces.keys();
    expect(kept).toBe("a".repeat(MAX_NAME_CHARS - 1));
  });

  it("folds namespaces past the cap into (other), counts and all", () => {
    const ns: Record<string, unknown> = {};
    for (let i = 0; i < MAX_NAMESPACES_PER_BUCKET + 10; i++) ns[`n${i}`] = { k: "key", h: 1 };
    const p = parse(record(ns));
    expect(p.namespaces.size).toBe(MAX_NAMESPACES_PER_BUCKET + 1);
    expect(p.namespaces.get(OVERFLOW_NAMESPACE)).toMatchObject({ kind: "other", hits: 10 });
    expect(p.skipped).toEqual({ namespacesOverCap: 10 });
  });

  it("skips lines over 1 MiB without parsing them, and lines past the cap on records", () => {
    const big = JSON.stringify({ v: 1, alias: "default", ns: { a: { k: "key", h: 1 } }, pad: "x".repeat(MAX_LINE_BYTES) }) + "\n";
    expect(parse(big + record({ b: { k: "key", h: 1 } }))).toMatchObject({ records: 1, skipped: { tooLong: 1 } });
    const many = record({ a: { k: "key", h: 1 } }).repeat(MAX_RECORDS_PER_BUCKET + 5);
    const p = parse(many);
    expect(p.records).toBe(MAX_RECORDS_PER_BUCKET);
    expect(p.skipped).toEqual({ linesOverCap: 5 });
  });

  it("reports a bucket the reader cut, and the partial line it ends in", () => {
    const text = record({ a: { k: "key", h: 1 } }) + record({ a: { k: "key", h: 1 } }).slice(0, 20);
    expect(parse(text, true)).toMatchObject({ records: 1, skipped: { bucketCut: 1, truncated: 1 } });
  });

  it("reads invalid UTF-8 as not JSON, and names with any characters as plain strings", () => {
    const bad = new Uint8Array([...enc.encode('{"v":1,"alias":"default","ns":{"\xff'), 0xff, 0xfe, ...enc.encode('":{"k":"key"}}}\n')]);
    expect(parse(bad).skipped).toEqual({ notJson: 1 });
    const hostile = '<img src=x onerror=alert(1)>"\n\u0000__proto__';
    // Written as text: an object literal's __proto__ would set a prototype, not a name.
    const line = `{"v":1,"alias":"default","ns":{${JSON.stringify(hostile)}:{"k":"key","h":1},"__proto__":{"k":"key","h":2},"constructor":{"k":"key","h":3}}}\n`;
    const p = parse(line);
    expect(p.namespaces.get(hostile)?.hits).toBe(1);
    expect(p.namespaces.get("__proto__")?.hits).toBe(2);
    expect(p.namespaces.get("constructor")?.hits).toBe(3);
  });

  it("keeps a flush time inside its bucket, and ignores one that is not a number", () => {
    expect(parse(record({}, { at: B + 99999 })).lastFlushAt).toBe((B + 10) * 1000);
    expect(parse(record({}, { at: "soon" })).lastFlushAt).toBeNull();
    expect(parse(record({}, { at: 1 })).lastFlushAt).toBe(B * 1000);
  });

  it("never throws on random bytes, mutated records or cut records (fuzzed), and stays fast", () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const valid = record({ "api:x": { k: "view", h: 3, m: 1, s: 1 }, session: { k: "session", h: 2 } });
    const started = performance.now();
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      let bytes: Uint8Array;
      const mode = i % 3;
      if (mode === 0) {
        bytes = new Uint8Array(Math.floor(rand() * 400));
        for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
      } else if (mode === 1) {
        const chars = [...valid];
        for (let k = 0; k < 3; k++) chars[Math.floor(rand() * chars.length)] = String.fromCharCode(Math.floor(rand() * 128));
        bytes = enc.encode(chars.join(""));
      } else {
        bytes = enc.encode(valid.repeat(3).slice(0, Math.floor(rand() * valid.length * 3)));
      }
      const p = parse(bytes);
      accepted += p.records;
      for (const c of p.namespaces.values()) {
        for (const n of [c.hits, c.misses, c.sets, c.adds, c.deletes, c.incrs, c.touches])
          expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
      }
    }
    const ms = performance.now() - started;
    expect(accepted).toBeGreaterThan(0);
    // Generous bound: this takes tens of milliseconds.
    expect(ms).toBeLessThan(10_000);
  });

  it("parses a 4 MiB bucket of garbage lines and one of real records in bounded time and memory", () => {
    const garbage = enc.encode(("{".repeat(200) + "\n").repeat(20_000));
    const real = enc.encode(
      record(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`ns${i}`, { k: "key", h: i, m: 1 }]))).repeat(100),
    );
    const before = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const g = parse(garbage);
    const t1 = performance.now();
    const r = parse(real);
    const t2 = performance.now();
    const grown = process.memoryUsage().heapUsed - before;
    expect(g.skipped).toEqual({ notJson: 10_000, linesOverCap: 10_000 });
    expect(r.records).toBe(100);
    expect(r.namespaces.get("ns499")?.hits).toBe(49_900);
    console.log(
      `parse: 4 MiB garbage ${(t1 - t0).toFixed(0)} ms; ${real.length} bytes of records ${(t2 - t1).toFixed(0)} ms; heap +${(grown / 1e6).toFixed(1)} MB`,
    );
    expect(t2 - t0).toBeLessThan(20_000);
  });
});
