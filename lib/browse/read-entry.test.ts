import { describe, expect, it } from "vitest";
import type { CacheConfig } from "@/lib/config/types";
import { fragmentKey } from "@/lib/django/fragment-keys";
import { entryRef } from "./read-entry";

const cache: CacheConfig = {
  alias: "c",
  backendPath: "django_redis.cache.RedisCache",
  locations: ["redis://x"],
  keyPrefix: "shop",
  version: 3,
  options: {},
  timeout: 300,
};

describe("entryRef", () => {
  it("applies KEY_PREFIX and VERSION to a Django key, or the version asked for", () => {
    expect(entryRef(cache, { key: "cart:7" })).toEqual({ raw: "shop:3:cart:7" });
    expect(entryRef(cache, { key: "cart:7", version: 2 })).toEqual({ raw: "shop:2:cart:7" });
  });
  it("takes a stored key or a file as it is", () => {
    expect(entryRef(cache, { raw: "x:y" })).toEqual({ raw: "x:y" });
    expect(entryRef(cache, { file: "0".repeat(32) })).toEqual({ file: "0".repeat(32) });
  });
  it("computes a template fragment's key from its name and vary-on values", () => {
    expect(entryRef(cache, { fragment: "sidebar", varyOn: ["alice"] })).toEqual({ raw: `shop:3:${fragmentKey("sidebar", ["alice"])}` });
    // No vary-on values: md5 of the empty string, as Django computes it.
    expect(entryRef(cache, { fragment: "footer" })).toEqual({ raw: "shop:3:template.cache.footer.d41d8cd98f00b204e9800998ecf8427e" });
  });
  it("refuses none or more than one way of naming the entry", () => {
    expect(() => entryRef(cache, {})).toThrow(/exactly one/);
    expect(() => entryRef(cache, { key: "a", fragment: "b" })).toThrow(/exactly one/);
  });
});
