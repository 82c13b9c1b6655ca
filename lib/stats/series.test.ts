import { describe, expect, it } from "vitest";
import type { ServerStats } from "@/lib/backends/types";
import { cachePoint, countersOf, historyPoint, seriesBreak, serverPoint, windowSummary, type Baseline, type ServerPoint } from "./series";

function stats(over: Partial<ServerStats> = {}): ServerStats {
  return {
    server: "a:1",
    ok: true,
    hits: 100,
    misses: 50,
    items: 10,
    bytes: 1000,
    maxBytes: 4000,
    evictions: 3,
    expirations: 7,
    uptimeSeconds: 500,
    version: "7.0.15",
    ...over,
  };
}

const base = (t: number, s: ServerStats): Baseline => ({ t, counters: countersOf(s) });

describe("seriesBreak", () => {
  it("is 'first' with nothing to subtract from, or when time did not move", () => {
    expect(seriesBreak(null, countersOf(stats()), 1000)).toBe("first");
    expect(seriesBreak(base(1000, stats()), countersOf(stats()), 1000)).toBe("first");
  });
  it("is 'restart' when uptime goes down, even if counters grew past the old ones", () => {
    expect(seriesBreak(base(0, stats()), countersOf(stats({ uptimeSeconds: 2, hits: 500, misses: 500 })), 2000)).toBe("restart");
  });
  it("is 'counter-reset' when any counter drops without a restart (CONFIG RESETSTAT, stats reset)", () => {
    expect(seriesBreak(base(0, stats()), countersOf(stats({ uptimeSeconds: 502, hits: 0, misses: 0 })), 2000)).toBe("counter-reset");
    expect(seriesBreak(base(0, stats()), countersOf(stats({ uptimeSeconds: 502, evictions: 0 })), 2000)).toBe("counter-reset");
  });
  it("is null for counters that only grew", () => {
    expect(seriesBreak(base(0, stats()), countersOf(stats({ uptimeSeconds: 502, hits: 130 })), 2000)).toBeNull();
  });
});

describe("serverPoint", () => {
  it("gives per-interval counts, not lifetime ones", () => {
    const p = serverPoint(stats({ hits: 130, misses: 60, evictions: 3, expirations: 9, uptimeSeconds: 502 }), 2000, base(0, stats()), true);
    expect(p).toMatchObject({ ok: true, intervalMs: 2000, hits: 30, misses: 10, evictions: 0, expirations: 2, items: 10, bytes: 1000 });
    expect(p.newSeries).toBeUndefined();
  });
  it("starts a new series after a restart: no interval, levels kept, nothing negative", () => {
    const p = serverPoint(stats({ hits: 4, misses: 1, uptimeSeconds: 1 }), 2000, base(0, stats()), true);
    expect(p).toMatchObject({ newSeries: "restart", intervalMs: null, hits: null, misses: null, items: 10 });
  });
  it("starts a new series after a failed sample", () => {
    const p = serverPoint(stats({ hits: 130, uptimeSeconds: 520 }), 20_000, base(0, stats()), false);
    expect(p).toMatchObject({ newSeries: "after-error", hits: null });
  });
  it("records a failed sample as down with its error", () => {
    const p = serverPoint({ ...stats(), ok: false, error: "ECONNREFUSED" }, 2000, base(0, stats()), true);
    expect(p).toMatchObject({ ok: false, error: "ECONNREFUSED", hits: null, items: null });
  });
  it("keeps a counter the backend lacks as null (memcached has no expirations)", () => {
    const p = serverPoint(
      stats({ expirations: undefined, hits: 101, uptimeSeconds: 501 }),
      1000,
      base(0, stats({ expirations: undefined })),
      true,
    );
    expect(p.expirations).toBeNull();
    expect(p.hits).toBe(1);
  });
});

const point = (over: Partial<ServerPoint>): ServerPoint => ({
  t: 2000,
  ok: true,
  intervalMs: 2000,
  hits: 0,
  misses: 0,
  evictions: 0,
  expirations: null,
  items: 1,
  bytes: 100,
  maxBytes: 1000,
  ...over,
});

describe("cachePoint", () => {
  it("sums intervals over servers that have one and levels over servers up", () => {
    const cp = cachePoint(2000, [
      point({ hits: 5, misses: 1, items: 3 }),
      point({ hits: null, misses: null, intervalMs: null, newSeries: "restart", items: 4 }),
      point({ ok: false, hits: null, misses: null, intervalMs: null, items: null, bytes: null, maxBytes: null }),
    ]);
    expect(cp).toMatchObject({ serversUp: 2, serversDown: 1, hits: 5, misses: 1, items: 7, bytes: 200, maxBytes: 2000, intervalMs: 2000 });
    expect(cp.newSeries).toBeUndefined();
  });
  it("marks a new series when no server has an interval", () => {
    const cp = cachePoint(2000, [point({ hits: null, misses: null, intervalMs: null, newSeries: "restart" })]);
    expect(cp).toMatchObject({ newSeries: "restart", hits: null, intervalMs: null });
  });
  it("has no pool limit when one server has none", () => {
    expect(cachePoint(2000, [point({}), point({ maxBytes: null })]).maxBytes).toBeNull();
  });
  it("is all down with no levels when every server failed", () => {
    const cp = cachePoint(2000, [
      point({ ok: false, hits: null, misses: null, intervalMs: null, items: null, bytes: null, maxBytes: null }),
    ]);
    expect(cp).toMatchObject({ serversUp: 0, serversDown: 1, items: null, maxBytes: null });
    expect(historyPoint(cp).up).toBe(false);
  });
});

describe("historyPoint", () => {
  it("derives ratio and per-second rates from the interval", () => {
    const h = historyPoint(point({ hits: 30, misses: 10, evictions: 4, intervalMs: 2000 }));
    expect(h).toMatchObject({ hitRatio: 0.75, opsPerSec: 20, evictionsPerSec: 2, expirationsPerSec: null, up: true });
  });
  it("has no ratio for an idle interval", () => {
    expect(historyPoint(point({})).hitRatio).toBeNull();
    expect(historyPoint(point({})).opsPerSec).toBe(0);
  });
});

describe("windowSummary", () => {
  const pts = [
    point({ t: 2000, hits: 100, misses: 0 }),
    point({ t: 4000, hits: 10, misses: 10, evictions: 2 }),
    point({ t: 6000, hits: null, misses: null, intervalMs: null, newSeries: "restart" }),
    point({ t: 8000, hits: 30, misses: 10, evictions: 0 }),
  ];
  it("counts only the intervals ending in the window", () => {
    const w = windowSummary(pts, 6, 8000);
    expect(w).toMatchObject({ seconds: 6, coveredSeconds: 4, hits: 40, misses: 20, opsPerSec: 15, evictions: 2, evictionsPerSec: 0.5 });
    expect(w?.hitRatio).toBeCloseTo(40 / 60);
  });
  it("covers everything when the window is longer than the history", () => {
    expect(windowSummary(pts, 3600, 8000)).toMatchObject({ hits: 140, misses: 20, coveredSeconds: 6 });
  });
  it("is null while collecting", () => {
    expect(windowSummary([point({ hits: null, misses: null, intervalMs: null, newSeries: "first" })], 60, 2000)).toBeNull();
    expect(windowSummary([], 60, 0)).toBeNull();
  });
});
