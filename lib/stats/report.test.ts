import { describe, expect, it } from "vitest";
import type { ServerStats } from "@/lib/backends/types";
import { historyAnswer, totalsOf } from "./report";
import { StatsSampler } from "./sampler";

const stats = (server: string, over: Partial<ServerStats> = {}): ServerStats => ({
  server,
  ok: true,
  hits: 10,
  misses: 5,
  items: 2,
  bytes: 100,
  maxBytes: 1000,
  evictions: 1,
  expirations: null,
  uptimeSeconds: 50,
  version: "1",
  ...over,
});

describe("totalsOf", () => {
  it("sums lifetime counters over the servers that answered", () => {
    const t = totalsOf([stats("a"), stats("b", { hits: 30, misses: 15 }), { ...stats("c"), ok: false }]);
    expect(t).toMatchObject({ hits: 40, misses: 20, items: 4, bytes: 200, maxBytes: 2000, evictions: 2, expirations: null });
    expect(t?.hitRatio).toBeCloseTo(2 / 3);
  });
  it("has no limit when one server has none, and no totals when all are down", () => {
    expect(totalsOf([stats("a"), stats("b", { maxBytes: null })])?.maxBytes).toBeNull();
    expect(totalsOf([{ ...stats("a"), ok: false }])).toBeNull();
  });
});

describe("historyAnswer", () => {
  // A track filled through the sampler's own recording, from a backend answering from a list.
  async function track() {
    const answers = [1, 2, 3, 4].map((i) => [stats("10.0.0.1:6379/2", { hits: 10 * i })]);
    let now = 0;
    const s = new StatsSampler({
      caches: () => [{ alias: "r", backendPath: "x", locations: [], keyPrefix: "", version: 1, options: {}, timeout: null }],
      backendFor: () =>
        ({
          capabilities: { serverStats: true },
          stats: async () => ({ at: now, supported: true, serverWide: true, servers: answers.shift() ?? [] }),
        }) as never,
      intervalMs: 2000,
      timeoutMs: 1000,
      now: () => now,
    });
    for (let i = 1; i <= 4; i++) {
      now = i * 2000;
      await s.poll("r");
    }
    return s.track("r");
  }

  it("answers only points after `since`", async () => {
    const a = historyAnswer(await track(), { seconds: 3600, since: 4000 }, 2000);
    expect(a?.points.map((p) => [p.t, p.hits])).toEqual([
      [6000, 10],
      [8000, 10],
    ]);
  });
  it("counts the range back from the newest point", async () => {
    expect(historyAnswer(await track(), { seconds: 4 }, 2000)?.points.map((p) => p.t)).toEqual([6000, 8000]);
  });
  it("finds a Redis server by host:port without its database, and refuses an unknown one", async () => {
    const t = await track();
    expect(historyAnswer(t, { seconds: 3600, server: "10.0.0.1:6379" }, 2000)?.server).toBe("10.0.0.1:6379/2");
    expect(historyAnswer(t, { seconds: 3600, server: "10.0.0.1:6379/2" }, 2000)?.points).toHaveLength(4);
    expect(historyAnswer(t, { seconds: 3600, server: "10.0.0.9:6379" }, 2000)).toBeNull();
  });
});
