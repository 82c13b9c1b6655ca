import { afterEach, describe, expect, it, vi } from "vitest";
import type { CacheBackend, ServerStats, StatsSnapshot } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { StatsSampler } from "./sampler";

/** The sampler's own bookkeeping (overlap, guard, down-since) against a backend whose answers the test hands out. */

const cache: CacheConfig = {
  alias: "default",
  backendPath: "django_redis.cache.RedisCache",
  locations: ["redis://h:1/0"],
  keyPrefix: "",
  version: 1,
  options: {},
  timeout: 300,
};

function server(hits: number, ok = true): ServerStats {
  return {
    server: "h:1",
    ok,
    ...(ok ? {} : { error: "ECONNREFUSED" }),
    hits: ok ? hits : null,
    misses: ok ? 0 : null,
    items: ok ? 1 : null,
    bytes: ok ? 10 : null,
    maxBytes: null,
    evictions: ok ? 0 : null,
    expirations: ok ? 0 : null,
    uptimeSeconds: ok ? 100 : null,
    version: ok ? "7" : null,
  };
}

/** A backend whose stats() calls wait until the test resolves them, in order. */
function handBackend() {
  const waiting: ((s: StatsSnapshot) => void)[] = [];
  let calls = 0;
  const backend = {
    config: cache,
    capabilities: { listKeys: true, invalidatePrefix: true, serverStats: true, ttl: true, sizes: true },
    stats: () => {
      calls++;
      return new Promise<StatsSnapshot>((resolve) => waiting.push(resolve));
    },
  } as unknown as CacheBackend;
  return {
    backend,
    calls: () => calls,
    answer(servers: ServerStats[]) {
      const next = waiting.shift();
      if (!next) throw new Error("no stats call is waiting");
      next({ at: 0, supported: true, serverWide: true, servers });
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("StatsSampler", () => {
  it("skips a tick while the previous poll of a cache is in flight", async () => {
    const hand = handBackend();
    let now = 0;
    const s = new StatsSampler({
      caches: () => [cache],
      backendFor: () => hand.backend,
      intervalMs: 2000,
      timeoutMs: 60_000,
      now: () => now,
    });
    const first = s.tick();
    now = 2000;
    await s.tick();
    expect(hand.calls()).toBe(1);
    expect(s.track("default").skippedTicks).toBe(1);
    hand.answer([server(10)]);
    await first;
    now = 4000;
    const third = s.tick();
    expect(hand.calls()).toBe(2);
    hand.answer([server(15)]);
    await third;
    const pts = s.track("default").points.toArray();
    expect(pts.map((p) => p.hits)).toEqual([null, 5]);
    expect(pts[1].intervalMs).toBe(4000);
  });

  it("records a timeout when the guard fires and stays busy until the backend answers", async () => {
    vi.useFakeTimers();
    const hand = handBackend();
    let now = 0;
    const s = new StatsSampler({ caches: () => [cache], backendFor: () => hand.backend, intervalMs: 2000, timeoutMs: 500, now: () => now });
    const poll = s.poll("default");
    await vi.advanceTimersByTimeAsync(500);
    await poll;
    const track = s.track("default");
    expect(track.latest?.servers[0]).toMatchObject({ server: "redis://h:1/0", ok: false, error: "stats timed out after 500 ms" });
    expect(track.downSince).toBe(0);
    now = 2000;
    await s.tick();
    expect(hand.calls()).toBe(1);
    hand.answer([server(10)]);
    await vi.advanceTimersByTimeAsync(0);
    now = 4000;
    const next = s.tick();
    expect(hand.calls()).toBe(2);
    hand.answer([server(12)]);
    await next;
    expect(track.downSince).toBeNull();
    expect([...track.servers.keys()]).toEqual(["h:1"]);
  });

  it("keeps the time a cache went down across failed samples", async () => {
    const hand = handBackend();
    let now = 1000;
    const s = new StatsSampler({
      caches: () => [cache],
      backendFor: () => hand.backend,
      intervalMs: 2000,
      timeoutMs: 60_000,
      now: () => now,
    });
    for (const [t, ok] of [
      [1000, true],
      [3000, false],
      [5000, false],
      [7000, true],
    ] as const) {
      now = t;
      const p = s.poll("default");
      hand.answer([server(10, ok)]);
      await p;
      if (t === 5000) expect(s.track("default").downSince).toBe(3000);
    }
    const track = s.track("default");
    expect(track.downSince).toBeNull();
    expect(track.points.last()).toMatchObject({ newSeries: "after-error", hits: null });
  });

  it("records a backend that throws as a failed sample with its message", async () => {
    let now = 0;
    const throwing = {
      capabilities: { serverStats: true },
      stats: () => {
        throw new Error("boom");
      },
    } as unknown as CacheBackend;
    const s = new StatsSampler({ caches: () => [cache], backendFor: () => throwing, intervalMs: 2000, timeoutMs: 60_000, now: () => now });
    await s.poll("default");
    now = 2000;
    await s.poll("default");
    const track = s.track("default");
    expect(track.latest?.servers).toEqual([expect.objectContaining({ ok: false, error: "boom" })]);
    expect(track.points.size).toBe(2);
    expect(track.downSince).toBe(0);
    expect(track.busy).toBe(false);
  });

  it("holds one hour of points and no more", () => {
    const s = new StatsSampler({ caches: () => [], backendFor: () => null, intervalMs: 2000, timeoutMs: 1000 });
    expect(s.capacity).toBe(1801);
  });
});
