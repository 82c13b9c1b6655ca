import { describe, expect, it } from "vitest";
import type { Capabilities } from "@/lib/backends/types";
import { EMPTY_FORM, openingTarget, targetChoices, targetOf } from "./targets";

const REDIS: Capabilities = { listKeys: true, invalidatePrefix: true, serverStats: true, ttl: true, sizes: true };
const FILES: Capabilities = { listKeys: true, invalidatePrefix: false, serverStats: false, ttl: true, sizes: true, keyNames: false };
const SASL: Capabilities = {
  listKeys: false,
  invalidatePrefix: false,
  serverStats: true,
  ttl: false,
  sizes: false,
  unlistedReason: "SASL memcached has no listing",
};

describe("targetChoices", () => {
  it("offers every target but expired where keys are named and listable", () => {
    const choices = targetChoices("django_redis.cache.RedisCache", REDIS);
    expect(choices.map((c) => c.id)).toEqual(["prefix", "url", "fragment", "clear"]);
    expect(choices.every((c) => !c.unavailable)).toBe(true);
  });

  it("marks the prefix unavailable on FileBasedCache, saying why, and adds expired entries", () => {
    const choices = targetChoices("django.core.cache.backends.filebased.FileBasedCache", FILES);
    expect(choices.map((c) => c.id)).toEqual(["prefix", "url", "fragment", "clear", "expired"]);
    expect(choices[0].unavailable).toContain("md5");
    expect(choices.filter((c) => c.unavailable).map((c) => c.id)).toEqual(["prefix"]);
  });

  it("names the backend's own reason where it cannot list", () => {
    expect(targetChoices("x.PyMemcacheCache", SASL)[0].unavailable).toContain("SASL memcached has no listing");
  });
});

describe("openingTarget", () => {
  it("opens on the first target the backend can do, never on one it cannot", () => {
    expect(openingTarget(null, targetChoices("r", REDIS))).toEqual({ action: "prefix", note: null });
    expect(openingTarget(null, targetChoices("f", FILES))).toEqual({ action: "url", note: null });
  });

  it("honours a target asked for in the URL when the backend can do it", () => {
    expect(openingTarget("expired", targetChoices("f", FILES))).toEqual({ action: "expired", note: null });
    expect(openingTarget("fragment", targetChoices("r", REDIS))).toEqual({ action: "fragment", note: null });
  });

  it("falls back with a note when the asked target cannot be done or is unknown here", () => {
    const files = openingTarget("prefix", targetChoices("f", FILES));
    expect(files.action).toBe("url");
    expect(files.note).toMatch(/cannot match keys by prefix.*Opened on “URL \(cache_page\)” instead\./);
    const redis = openingTarget("expired", targetChoices("r", REDIS));
    expect(redis).toEqual({ action: "prefix", note: "“expired” is not a target of this cache. Opened on “Key prefix” instead." });
  });
});

describe("targetOf", () => {
  it("sends languages and time zones only where the keys must be computed", () => {
    const form = { ...EMPTY_FORM, url: "https://x/", languages: " en-us \n\n", timezones: "UTC" };
    expect(targetOf("url", form, true)).toEqual({ url: "https://x/" });
    expect(targetOf("url", form, false)).toEqual({ url: "https://x/", languages: ["en-us"], timezones: ["UTC"] });
  });

  it("keeps empty vary-on lines (Django's str() of an empty string) but not an empty box", () => {
    expect(targetOf("fragment", { ...EMPTY_FORM, fragmentName: "side", useVaryOn: true, varyOn: "a\n" }, true)).toEqual({
      fragment: { name: "side", varyOn: ["a", ""] },
    });
    expect(targetOf("fragment", { ...EMPTY_FORM, fragmentName: "side", useVaryOn: true }, true)).toEqual({
      fragment: { name: "side", varyOn: [] },
    });
    expect(targetOf("fragment", { ...EMPTY_FORM, fragmentName: "side" }, true)).toEqual({ fragment: { name: "side" } });
  });
});
