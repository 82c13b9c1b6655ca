import { describe, expect, it } from "vitest";
import type { ColdBasis } from "@/lib/backends/types";
import { Aggregator } from "./aggregate";
import { noColdBasis, topLevelOf } from "./cold";

const FETCHED: ColdBasis = { basis: "fetched", note: "n", idle1h: true, idle24h: true };
const LFU: ColdBasis = { basis: "lfu", note: "n", idle1h: false, idle24h: false };
const HOUR = 3600;
const DAY = 86400;

describe("cold figures", () => {
  it("names a namespace's top level as the tree does", () => {
    expect([topLevelOf("app:users:"), topLevelOf("views.decorators."), topLevelOf("")]).toEqual(["app", "views", ""]);
  });

  it("counts never read, idle over 1 h and 24 h and never expiring per top-level namespace, exactly", () => {
    const a = new Aggregator({ keyPrefix: "", version: 1, cold: FETCHED });
    a.add({ raw: ":1:app:users:1", size: 100, ttl: 60, fetched: false, idle: 5 });
    a.add({ raw: ":1:app:users:2", size: 200, ttl: 60, fetched: true, idle: 2 * HOUR });
    a.add({ raw: ":1:app:users:3", size: 300, ttl: null, fetched: true, idle: 2 * DAY });
    a.add({ raw: ":1:reports:1", size: 1000, ttl: null, fetched: false, idle: 3 * DAY });
    a.add({ raw: ":1:warm", size: 7, ttl: 5, fetched: true, idle: 0 });
    const r = a.result();
    expect(r.cold.basis).toBe("fetched");
    expect(r.cold.namespaces).toEqual([
      {
        name: "reports",
        prefix: "reports:",
        keys: 1,
        bytes: 1000,
        neverRead: { keys: 1, bytes: 1000 },
        idleOver1h: { keys: 1, bytes: 1000 },
        idleOver24h: { keys: 1, bytes: 1000 },
        noExpiry: { keys: 1, bytes: 1000 },
        staleNoExpiry: { keys: 1, bytes: 1000 },
      },
      {
        name: "app",
        prefix: "app:",
        keys: 3,
        bytes: 600,
        neverRead: { keys: 1, bytes: 100 },
        idleOver1h: { keys: 2, bytes: 500 },
        idleOver24h: { keys: 1, bytes: 300 },
        noExpiry: { keys: 1, bytes: 300 },
        staleNoExpiry: { keys: 1, bytes: 300 },
      },
      {
        name: "",
        prefix: "",
        keys: 1,
        bytes: 7,
        neverRead: { keys: 0, bytes: 0 },
        idleOver1h: { keys: 0, bytes: 0 },
        idleOver24h: { keys: 0, bytes: 0 },
        noExpiry: { keys: 0, bytes: 0 },
        staleNoExpiry: { keys: 0, bytes: 0 },
      },
    ]);
    // Cold: never read, or idle over an hour; biggest first, with the Django key and idle seconds.
    expect(r.cold.top.map((t) => [t.key, t.size, t.idleSeconds])).toEqual([
      ["reports:1", 1000, 3 * DAY],
      ["app:users:3", 300, 2 * DAY],
      ["app:users:2", 200, 2 * HOUR],
      ["app:users:1", 100, 5],
    ]);
    expect(r.cold.histogram?.unit).toBe("seconds");
    expect(r.cold.histogram?.buckets.find((b) => b.le === 1)?.count).toBe(1);
    expect(r.cold.histogram?.buckets.find((b) => b.le === 10)?.count).toBe(1);
    expect(r.byKind.find((k) => k.kind === "key")?.cold).toEqual({ keys: 4, bytes: 1600 });
    const messages = r.warnings.map((w) => w.message);
    expect(messages).toContain("100% of `reports` bytes were never read (1 entries).");
    expect(messages).toContain("`reports` entries never expire and are idle > 24 h (1 entries): they stay until evicted or deleted.");
    // app: 100 of 600 bytes never read is under the share that warns.
    expect(messages.some((m) => m.includes("`app` bytes"))).toBe(false);
  });

  it("says which fragment's bytes were never read", () => {
    const a = new Aggregator({ keyPrefix: "", version: 1, cold: FETCHED });
    const md5 = "d41d8cd98f00b204e9800998ecf8427e";
    a.add({ raw: `:1:template.cache.sidebar.${md5}`, size: 380, ttl: 60, fetched: false, idle: 1 });
    a.add({ raw: `:1:template.cache.sidebar.${md5.replace("d4", "aa")}`, size: 620, ttl: 60, fetched: true, idle: 1 });
    const r = a.result();
    expect(r.groups[0]).toMatchObject({ kind: "fragment", name: "sidebar", cold: { keys: 1, bytes: 380 } });
    expect(r.warnings.map((w) => w.message)).toContain("38% of `fragment:sidebar` bytes were never read (1 entries).");
  });

  it("under LFU: counters in the histogram, idle figures null, counter 0 is cold", () => {
    const a = new Aggregator({ keyPrefix: "", version: 1, cold: LFU });
    a.add({ raw: ":1:a:1", size: 10, ttl: 60, freq: 0 });
    a.add({ raw: ":1:a:2", size: 20, ttl: 60, freq: 5 });
    const r = a.result();
    expect(r.cold.namespaces[0]).toMatchObject({ name: "a", neverRead: null, idleOver1h: null, idleOver24h: null });
    expect(r.cold.histogram?.unit).toBe("lfu");
    expect(r.cold.histogram?.buckets.slice(0, 3)).toEqual([
      { le: 0, count: 1 },
      { le: 4, count: 0 },
      { le: 5, count: 1 },
    ]);
    expect(r.cold.top.map((t) => [t.key, t.freq, t.idleSeconds])).toEqual([["a:1", 0, null]]);
  });

  it("without a basis: never-expiring figures only, scaled for a sample", () => {
    const a = new Aggregator({ keyPrefix: "", version: 1, cold: noColdBasis("why") });
    a.add({ raw: ":1:a:1", size: 10, ttl: null });
    a.add({ raw: ":1:a:2", size: 20, ttl: 60 });
    const r = a.result(10);
    expect(r.cold).toMatchObject({ basis: null, note: "why", histogram: null, top: [] });
    expect(r.cold.namespaces).toEqual([
      {
        name: "a",
        prefix: "a:",
        keys: 20,
        bytes: 300,
        neverRead: null,
        idleOver1h: null,
        idleOver24h: null,
        noExpiry: { keys: 10, bytes: 100 },
      },
    ]);
    expect(r.byKind[0].cold).toBeUndefined();
  });
});
