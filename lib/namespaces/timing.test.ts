import { describe, expect, it } from "vitest";
import { aggregateWindow } from "./aggregate";
import { parseBucket } from "./parse";
import { LATENCY_BUCKETS, quantileMs, savedOf, summarize, zeroTiming } from "./timing";

const enc = new TextEncoder();
const B = 1_764_624_000;

function bucket(lines: object[]) {
  const text = lines.map((l) => JSON.stringify({ v: 1, host: "h", pid: 1, at: B + 1, alias: "default", ...l }) + "\n").join("");
  return parseBucket(enc.encode(text), { alias: "default", bucket: B });
}

describe("timing extension", () => {
  it("sums histograms and recompute costs across records and derives percentiles, cost per miss and work saved", () => {
    const p = bucket([
      { tv: 1, ns: { "api:list": { k: "view", h: 8, m: 2, s: 2, lg: [0, 0, 0, 0, 6], ls: [0, 0, 0, 2], rs: 80_000, rn: 2, sh: 4 } } },
      { tv: 1, ns: { "api:list": { k: "view", h: 2, m: 0, lg: [0, 0, 0, 0, 0, 4] } } },
    ]);
    expect(p.skipped).toEqual({});
    const t = p.namespaces.get("api:list")?.timing;
    expect(t?.get.slice(0, 6)).toEqual([0, 0, 0, 0, 6, 4]);
    expect(t).toMatchObject({ costSumUs: 80_000, costCount: 2, savingHits: 6 });
    const agg = aggregateWindow([p], B + 5, 10);
    const row = agg.namespaces[0];
    expect(row.latency?.get.count).toBe(10);
    expect(row.latency?.set.count).toBe(2);
    expect(row.latency?.get.buckets).toHaveLength(LATENCY_BUCKETS);
    expect(row.latency?.get.buckets.at(-1)).toEqual({ leMs: null, count: 0 });
    // 6 in (50, 100] µs, 4 in (100, 200] µs: the median is the top of the first.
    expect(row.latency?.get.p50Ms).toBeCloseTo(0.1 * (5 / 6) + 0.05 * (1 / 6), 6);
    expect(row.saved).toEqual({ costPerMissMs: 40, hitsPerSecond: 0.6, savedSecondsPerSecond: 0.024 });
    expect(agg.latency?.get.count).toBe(10);
    expect(agg.saved.savedSecondsPerSecond).toBeCloseTo(0.024, 9);
  });

  it("uses the counts of a record whose timing is of another version, skips its timing and reports it", () => {
    const p = bucket([{ tv: 2, ns: { user: { k: "key", h: 3, lg: [3] } } }]);
    expect(p.skipped).toEqual({ otherTimingVersion: 1 });
    expect(p.namespaces.get("user")).toMatchObject({ hits: 3 });
    expect(p.namespaces.get("user")?.timing).toBeUndefined();
    const agg = aggregateWindow([p], B + 5, 10);
    expect(agg.namespaces[0].latency).toBeNull();
    expect(agg.latency).toBeNull();
    expect(agg.skipped).toEqual({ otherTimingVersion: 1 });
  });

  it("says unknown, not zero, when no recompute was measured; skips malformed timing but keeps the counts", () => {
    const p = bucket([{ tv: 1, ns: { a: { k: "key", h: 5, lg: [5] }, b: { k: "key", h: 1, lg: [-1] }, c: { k: "key", m: 1, rs: 1.5 } } }]);
    expect(p.skipped).toEqual({ badTiming: 2 });
    expect(p.namespaces.get("b")).toMatchObject({ hits: 1 });
    const agg = aggregateWindow([p], B + 5, 10);
    const a = agg.namespaces.find((r) => r.name === "a");
    expect(a?.saved).toEqual({ costPerMissMs: null, hitsPerSecond: 0.5, savedSecondsPerSecond: null });
    expect(agg.saved.savedSecondsPerSecond).toBeNull();
  });

  it("percentiles: empty is null, the +Inf bucket answers its lower bound", () => {
    expect(quantileMs(zeroTiming().get, 0.5)).toBeNull();
    const h = zeroTiming().get;
    h[LATENCY_BUCKETS - 1] = 1;
    expect(summarize(h).p99Ms).toBe(10_000);
    expect(savedOf(undefined, 10, 10)).toEqual({ costPerMissMs: null, hitsPerSecond: 1, savedSecondsPerSecond: null });
  });
});
