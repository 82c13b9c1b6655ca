import { describe, expect, it } from "vitest";
import type { CacheView } from "../types";
import { activeTab, cacheTabs } from "./tabs";

function cache(over: Partial<CacheView>, caps: Partial<CacheView["capabilities"]> = {}): CacheView {
  return {
    alias: "a",
    backend: "django.core.cache.backends.filebased.FileBasedCache",
    kind: "filebased",
    locations: [],
    keyPrefix: "",
    version: 1,
    status: { ok: true },
    ...over,
    capabilities: { listKeys: true, invalidatePrefix: false, serverStats: false, ttl: true, sizes: true, keyNames: false, ...caps },
  };
}

const unavailable = (c: CacheView | undefined) =>
  cacheTabs(c)
    .filter((t) => t.unavailable)
    .map((t) => t.label);

describe("cacheTabs", () => {
  it("offers every view while the cache is loading and where the backend can do them all", () => {
    expect(unavailable(undefined)).toEqual([]);
    expect(unavailable(cache({}))).toEqual([]);
  });

  it("explains Keys and Sizes on a backend that holds nothing to list (DummyCache)", () => {
    const tabs = cacheTabs(cache({ backend: "django.core.cache.backends.dummy.DummyCache", kind: "dummy" }, { listKeys: false }));
    expect(tabs.filter((t) => t.unavailable).map((t) => t.label)).toEqual(["Keys", "Sizes"]);
    expect(tabs.find((t) => t.label === "Sizes")?.unavailable).toBe("DummyCache cannot list its entries, so there is nothing to analyse.");
  });

  it("keeps Keys for a backend that cannot list but opens exact keys (SASL memcached)", () => {
    expect(unavailable(cache({ kind: "memcached" }, { listKeys: false, unlistedReason: "SASL" }))).toEqual(["Sizes"]);
  });

  it("takes Invalidate away from an alias Cachescope cannot inspect (LocMemCache)", () => {
    const locmem = cache({ backend: "django.core.cache.backends.locmem.LocMemCache", kind: "unsupported" }, { listKeys: false });
    expect(unavailable(locmem)).toEqual(["Keys", "Invalidate", "Sizes"]);
  });
});

describe("activeTab", () => {
  it("puts the entry page under Keys and sub-paths under their tab", () => {
    expect(activeTab("")).toBe("");
    expect(activeTab("/entry")).toBe("");
    expect(activeTab("/invalidate")).toBe("/invalidate");
    expect(activeTab("/stats")).toBe("/stats");
  });
});
