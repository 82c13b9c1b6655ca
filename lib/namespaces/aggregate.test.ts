import { describe, expect, it } from "vitest";
import { aggregateWindow, flagsOf, historyPoints, windowBuckets } from "./aggregate";
import { emptyBucket } from "./bucket-cache";
import { zeroCounts, type Counts, type NamespaceKind, type ParsedBucket } from "./parse";

const NOW = 1_764_624_005; // inside bucket 1_764_624_000

function bucket(b: number, ns: Record<string, Partial<Counts> & { kind?: NamespaceKind }>, at?: number): ParsedBucket {
  const p = emptyBucket(b);
  p.records = 1;
  p.lastFlushAt = at ?? null;
  for (const [name, c] of Object.entries(ns)) p.namespaces.set(name, { kind: c.kind ?? "key", ...zeroCounts(), ...c });
  return p;
}

describe("aggregateWindow", () => {
  const last = 1_764_624_000;
  const buckets = [
    bucket(last - 60, { old: { hits: 1000 } }), // just outside a 60-s window
    bucket(last - 50, { a: { hits: 6, misses: 4, sets: 4 }, w: { sets: 5 } }),
    bucket(last - 10, { a: { hits: 3, misses: 2, deletes: 1 }, m: { hits: 1, misses: 9 } }, (last - 2) * 1000),
    bucket(last, { a: { hits: 1, misses: 4, sets: 4 }, m: { misses: 5 } }, (last + 4) * 1000),
  ];

  it("sums the last window's buckets (the current one included) and rates them over the window", () => {
    const w = aggregateWindow(buckets, NOW, 60);
    expect(w.windowSeconds).toBe(60);
    expect(w.records).toBe(3);
    expect(w.updatedAt).toBe((last + 4) * 1000);
    const a = w.namespaces.find((n) => n.name === "a");
    expect(a).toMatchObject({
      kind: "key",
      hits: 10,
      misses: 10,
      sets: 8,
      deletes: 1,
      hitRatio: 0.5,
      requestsPerSec: 20 / 60,
      missesPerSec: 10 / 60,
    });
    expect(w.namespaces.find((n) => n.name === "old")).toBeUndefined();
    expect(w.total).toMatchObject({ hits: 11, misses: 24, sets: 13, hitRatio: 11 / 35 });
  });

  it("sorts by misses per second, then requests, then name", () => {
    expect(aggregateWindow(buckets, NOW, 60).namespaces.map((n) => n.name)).toEqual(["m", "a", "w"]);
  });

  it("gives a null ratio without reads, and flags written-never-read and mostly-misses", () => {
    const w = aggregateWindow(buckets, NOW, 60);
    expect(w.namespaces.find((n) => n.name === "w")).toMatchObject({ hitRatio: null, flags: ["written-never-read"] });
    expect(w.namespaces.find((n) => n.name === "m")).toMatchObject({ hitRatio: 1 / 15, flags: ["mostly-misses"] });
    expect(w.namespaces.find((n) => n.name === "a")?.flags).toEqual([]);
  });

  it("rounds a window up to whole buckets and widens with it", () => {
    expect(windowBuckets(61)).toBe(7);
    const w = aggregateWindow(buckets, NOW, 70);
    expect(w.windowSeconds).toBe(70);
    expect(w.namespaces.find((n) => n.name === "old")?.hits).toBe(1000);
  });

  it("draws one sparkline step per bucket for short windows and 30 steps for an hour", () => {
    const short = aggregateWindow(buckets, NOW, 60);
    expect(short.sparkStepSeconds).toBe(10);
    expect(short.sparkFrom).toBe((last - 50) * 1000);
    expect(short.namespaces.find((n) => n.name === "a")?.spark).toEqual([0.6, null, null, null, 0.6, 0.2]);
    const hour = aggregateWindow(buckets, NOW, 3600);
    expect(hour.sparkStepSeconds).toBe(120);
    expect(hour.namespaces.find((n) => n.name === "a")?.spark).toHaveLength(30);
  });

  it("answers an empty window with no namespaces and a null ratio", () => {
    const w = aggregateWindow([], NOW, 300);
    expect(w).toMatchObject({ namespaces: [], records: 0, updatedAt: null, total: { hits: 0, hitRatio: null, requestsPerSec: 0 } });
  });
});

describe("flagsOf", () => {
  const c = (x: Partial<Counts>): Counts => ({ ...zeroCounts(), ...x });
  it("needs ten reads before calling a namespace mostly misses", () => {
    expect(flagsOf(c({ misses: 9 }))).toEqual([]);
    expect(flagsOf(c({ misses: 10 }))).toEqual(["mostly-misses"]);
    expect(flagsOf(c({ hits: 2, misses: 8 }))).toEqual([]);
    expect(flagsOf(c({ hits: 1, misses: 9 }))).toEqual(["mostly-misses"]);
  });
  it("calls adds writes too, and any read a read", () => {
    expect(flagsOf(c({ adds: 1 }))).toEqual(["written-never-read"]);
    expect(flagsOf(c({ sets: 1, hits: 1 }))).toEqual([]);
    expect(flagsOf(c({ deletes: 3 }))).toEqual([]);
  });
});

describe("historyPoints", () => {
  it("gives a point per bucket, zeros where nothing was flushed, for one name or all summed", () => {
    const b = 1_764_624_000;
    const buckets = [bucket(b - 20, { a: { hits: 1, misses: 1 }, c: { sets: 2 } }), bucket(b, { a: { misses: 2 } })];
    expect(historyPoints(buckets, "a", b - 20, b)).toEqual([
      { t: (b - 20) * 1000, hits: 1, misses: 1, sets: 0, deletes: 0, hitRatio: 0.5 },
      { t: (b - 10) * 1000, hits: 0, misses: 0, sets: 0, deletes: 0, hitRatio: null },
      { t: b * 1000, hits: 0, misses: 2, sets: 0, deletes: 0, hitRatio: 0 },
    ]);
    expect(historyPoints(buckets, null, b - 20, b - 20)).toEqual([
      { t: (b - 20) * 1000, hits: 1, misses: 1, sets: 2, deletes: 0, hitRatio: 0.5 },
    ]);
    expect(historyPoints(buckets, "nope", b, b)[0]).toMatchObject({ hits: 0, hitRatio: null });
  });
});
