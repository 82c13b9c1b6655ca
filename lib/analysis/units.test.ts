import { describe, expect, it } from "vitest";
import { Aggregator } from "./aggregate";
import { analysisCsv, analysisJson, csvField } from "./export";
import { GroupFinder, fragmentName, seriesOf } from "./groups";
import { Histogram, SIZE_BOUNDS } from "./histogram";
import { parseAnalysisRequest } from "./request";
import { Reservoir } from "./reservoir";
import { TopN } from "./top";

describe("series detection", () => {
  it("keys a key on its text with the trailing number as #", () => {
    expect(seriesOf("fragment12")).toEqual({ name: "fragment#", prefix: "fragment" });
    expect(seriesOf("report:chunk:0")).toEqual({ name: "report:chunk:#", prefix: "report:chunk:" });
    expect(seriesOf("user:42:profile")).toBeNull();
    expect(seriesOf("12345")).toBeNull();
    expect(seriesOf("")).toBeNull();
  });

  it("reads the fragment name of template-fragment keys only", () => {
    const md5 = "0123456789abcdef0123456789abcdef";
    expect(fragmentName(`template.cache.sidebar.${md5}`)).toBe("sidebar");
    expect(fragmentName(`template.cache.nav.v2.${md5}`)).toBe("nav.v2");
    expect(fragmentName(`template.cache.${md5}`)).toBeNull();
    expect(fragmentName("template.cache.sidebar.nothex")).toBeNull();
  });

  it("reports series of two or more, every fragment, and nothing from hashed keys", () => {
    const g = new GroupFinder();
    for (const k of ["fragment1", "fragment2", "fragment3", "lonely7", "a:b"]) g.add(k, "key", 10);
    g.add("template.cache.sidebar.0123456789abcdef0123456789abcde1", "fragment", 5);
    g.add("template.cache.sidebar.0123456789abcdef0123456789abcde2", "fragment", 5);
    g.add("template.cache.footer.0123456789abcdef0123456789abcde2", "fragment", 7);
    g.add("views.decorators.cache.cache_page..GET.aaaa1", "page", 5);
    g.add("views.decorators.cache.cache_page..GET.aaaa2", "page", 5);
    expect(g.result(10).map((r) => [r.kind, r.name, r.keys, r.bytes])).toEqual([
      ["series", "fragment#", 3, 30],
      ["fragment", "sidebar", 2, 10],
      ["fragment", "footer", 1, 7],
    ]);
    expect(g.incomplete).toBe(false);
  });

  it("stays bounded: lone candidates are dropped when the table is full, real series kept", () => {
    const g = new GroupFinder(100);
    for (let i = 0; i < 50; i++) g.add("hot:1", "key", 1);
    for (let i = 0; i < 10_000; i++) g.add(`lone${i}x1`, "key", 1);
    for (let i = 0; i < 5; i++) g.add("hot:2", "key", 1);
    const rows = g.result(1000);
    expect(rows).toEqual([expect.objectContaining({ name: "hot:#", keys: 55 })]);
    expect(g.incomplete).toBe(true);
  });
});

describe("histogram", () => {
  it("puts each value in the first bucket whose bound is not below it, the rest in the open bucket", () => {
    const h = new Histogram([10, 100]);
    for (const v of [0, 10, 11, 100, 101, 1e9]) h.add(v);
    expect(h.result()).toEqual([
      { le: 10, count: 2 },
      { le: 100, count: 2 },
      { le: null, count: 2 },
    ]);
    expect(h.result(2.5).map((b) => b.count)).toEqual([5, 5, 5]);
  });

  it("has increasing size bounds", () => {
    expect(SIZE_BOUNDS.every((b, i) => i === 0 || b > SIZE_BOUNDS[i - 1])).toBe(true);
  });
});

describe("top N", () => {
  it("keeps the N largest in any arrival order, largest first", () => {
    const top = new TopN<number>(5, (n) => n);
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    for (const v of values) top.add(v);
    expect(top.result()).toEqual([999, 998, 997, 996, 995]);
    expect(top.accepts(995)).toBe(false);
    expect(top.accepts(1000)).toBe(true);
  });

  it("holds fewer than N when fewer came", () => {
    const top = new TopN<number>(50, (n) => n);
    [3, 1, 2].forEach((v) => top.add(v));
    expect(top.result()).toEqual([3, 2, 1]);
  });
});

describe("reservoir", () => {
  it("keeps n items, each of the stream equally likely", () => {
    // A fixed sequence of "random" numbers: the outcome is deterministic and checkable.
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const hits = new Array<number>(100).fill(0);
    for (let round = 0; round < 2000; round++) {
      const r = new Reservoir<number>(10, random);
      for (let i = 0; i < 100; i++) r.add(i);
      expect(r.sample().length).toBe(10);
      expect(r.count).toBe(100);
      for (const i of r.sample()) hits[i] += 1;
    }
    // Expected 200 per item; the first and last tenth must both be near it (no bias to early or late items).
    const early = hits.slice(0, 10).reduce((a, b) => a + b, 0) / 10;
    const late = hits.slice(90).reduce((a, b) => a + b, 0) / 10;
    expect(early).toBeGreaterThan(170);
    expect(early).toBeLessThan(230);
    expect(late).toBeGreaterThan(170);
    expect(late).toBeLessThan(230);
  });
});

describe("aggregator", () => {
  it("scales counts and bytes of a sample, never the top entries", () => {
    const a = new Aggregator({ keyPrefix: "", version: 1 });
    a.add({ raw: ":1:a:1", size: 100, ttl: null });
    a.add({ raw: ":2:a:2", size: 300, ttl: 60 });
    const r = a.result(10);
    expect([r.keys, r.bytes, r.noTtl]).toEqual([20, 4000, 10]);
    expect(r.namespaces.children[0]).toMatchObject({ name: "a", keys: 20, bytes: 4000 });
    expect(r.top.map((t) => t.size)).toEqual([300, 100]);
    expect(r.warnings.find((w) => w.code === "old_versions")).toMatchObject({ keys: 10, bytes: 3000, examples: [":2:a:2"] });
    expect(r.warnings.find((w) => w.code === "old_versions")?.message).toMatch(/^about 10 keys/);
  });

  it("flags items near the item size limit instead of large values when the server has a limit", () => {
    const a = new Aggregator({ keyPrefix: "", version: 1, itemSizeMax: 1000 });
    a.add({ raw: ":1:near", size: 950, ttl: 10 });
    a.add({ raw: ":1:fine", size: 800, ttl: 10 });
    expect(a.result().warnings.map((w) => [w.code, w.examples])).toEqual([["near_item_limit", [":1:near"]]]);
  });

  it("counts rows of unknown size without their bytes", () => {
    const a = new Aggregator({ keyPrefix: "", version: 1 });
    a.add({ raw: ":1:x", size: null, ttl: 5 });
    const r = a.result();
    expect([r.keys, r.bytes, r.top.length]).toEqual([1, 0, 0]);
    expect(r.warnings.map((w) => w.code)).toEqual(["size_unknown"]);
  });
});

describe("request", () => {
  it("accepts no sample or a bounded integer, and refuses the rest", () => {
    expect(parseAnalysisRequest({})).toEqual({});
    expect(parseAnalysisRequest(undefined)).toEqual({});
    expect(parseAnalysisRequest({ sample: 5000 })).toEqual({ sample: 5000 });
    expect(() => parseAnalysisRequest({ sample: 1.5 })).toThrow(/^sample: expected an integer$/);
    expect(() => parseAnalysisRequest({ sample: 10 })).toThrow(/^sample: at least 100$/);
    expect(() => parseAnalysisRequest({ sample: "5" })).toThrow(/^sample: expected a number of keys$/);
    expect(() => parseAnalysisRequest({ sampel: 5 })).toThrow();
  });
});

describe("CSV export", () => {
  it("quotes what needs quoting and defuses spreadsheet formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("=HYPERLINK()")).toBe("'=HYPERLINK()");
    expect(csvField("-1")).toBe("'-1");
    expect(csvField(-1)).toBe("-1");
  });

  it("writes every table with one header", () => {
    const a = new Aggregator({ keyPrefix: "", version: 2 });
    a.add({ raw: ":2:app:users:1", size: 10, ttl: 5 });
    a.add({ raw: ":2:app:users:2", size: 20, ttl: null });
    a.add({ raw: ":1:old", size: 30, ttl: null });
    const result = { ...a.result(), sampled: false, keyPrefix: "", version: 2, namedKeys: true, durationMs: 1 };
    const lines = analysisCsv(result).trimEnd().split("\r\n");
    expect(lines[0]).toBe("table,name,detail,keys,bytes");
    expect(lines).toContain("total,exact,,3,60");
    expect(lines).toContain("version,1,old,1,30");
    expect(lines).toContain("namespace,app:users:,2,2,30");
    expect(lines).toContain("group,app:users:#,series,2,30");
    expect(lines).toContain("top,:1:old,old,1,30");
    expect(lines).toContain("ttl_histogram,no expiry,,2,0");
    expect(lines).toContain("cold,app,no_expiry,1,20");
    expect(JSON.parse(analysisJson(result)).keys).toBe(3);
  });
});

describe("per-server totals", () => {
  it("are given when rows came from several servers (a cluster's primaries), scaled like the rest", () => {
    const agg = new Aggregator({ keyPrefix: "", version: 1 });
    agg.add({ raw: ":1:a", server: "n1:7000/0", size: 10 });
    agg.add({ raw: ":1:b", server: "n2:7000/0", size: 30 });
    agg.add({ raw: ":1:c", server: "n2:7000/0", size: 5 });
    expect(agg.result(2).byServer).toEqual([
      { server: "n1:7000/0", keys: 2, bytes: 20 },
      { server: "n2:7000/0", keys: 4, bytes: 70 },
    ]);
    const one = new Aggregator({ keyPrefix: "", version: 1 });
    one.add({ raw: ":1:a", server: "n1:7000/0", size: 10 });
    expect(one.result().byServer).toBeUndefined();
  });
});
