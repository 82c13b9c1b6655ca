import { describe, expect, it } from "vitest";
import type { Capabilities, KeyRow } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { fragmentKey } from "@/lib/django/fragment-keys";
import { urlHash } from "@/lib/django/page-keys";
import { planFor, type Plan } from "./plan";
import { parseInvalidateRequest } from "./target";

const REDIS: Capabilities = { listKeys: true, invalidatePrefix: true, serverStats: true, ttl: true, sizes: true };
const FILES: Capabilities = { listKeys: true, invalidatePrefix: false, serverStats: false, ttl: true, sizes: true };
const DUMMY: Capabilities = { listKeys: false, invalidatePrefix: false, serverStats: false, ttl: false, sizes: false };

function cfg(over: Partial<CacheConfig> = {}): CacheConfig {
  return { alias: "c", backendPath: "x", locations: ["/tmp/c"], keyPrefix: "", version: 1, options: {}, timeout: 300, ...over };
}

function plan(body: unknown, capabilities = REDIS, config = cfg()): Plan {
  return planFor({ config, capabilities }, parseInvalidateRequest(body));
}

const row = (raw: string | null, file?: string): KeyRow => ({ raw, ...(file ? { file } : {}) });

function scans(p: Plan) {
  if (p.mode !== "scan") throw new Error(`expected a scan plan, got ${p.mode}`);
  return p.scans;
}

describe("parseInvalidateRequest", () => {
  it("defaults to a dry run at the current version", () => {
    expect(parseInvalidateRequest({ target: { prefix: "a" } })).toEqual({ target: { prefix: "a" }, allVersions: false, dryRun: true });
  });
  it("names what is wrong", () => {
    expect(() => parseInvalidateRequest(null)).toThrow(/JSON object/);
    expect(() => parseInvalidateRequest({ target: {} })).toThrow(/exactly one.*got none/);
    expect(() => parseInvalidateRequest({ target: { prefix: "" } })).toThrow(/clear/);
    expect(() => parseInvalidateRequest({ target: { prefix: 5 } })).toThrow(/target\.prefix: expected a string/);
    expect(() => parseInvalidateRequest({ target: { fragment: { name: "" } } })).toThrow(/target\.fragment\.name: must not be empty/);
    expect(() => parseInvalidateRequest({ target: { fragment: { name: "a", varyOn: [1] } } })).toThrow(/varyOn\[0\]: expected a string/);
    expect(() => parseInvalidateRequest({ target: { clear: false } })).toThrow(/must be true/);
    expect(() => parseInvalidateRequest({ target: { prefix: "a", extra: 1 } })).toThrow(/unknown field extra/);
    expect(() => parseInvalidateRequest({ target: { prefix: "a" }, force: true })).toThrow(/unknown field force/);
  });
});

describe("planFor on a listing backend", () => {
  it("prefix at the current version is one literal raw prefix", () => {
    const [s] = scans(plan({ target: { prefix: "a*b" } }, REDIS, cfg({ keyPrefix: "p", version: 3 })));
    expect(s.rawPrefix).toBe("p:3:a*b");
    expect(s.accept(row("p:3:a*bc"))).toBe(true);
    expect(s.accept(row("p:2:a*bc"))).toBe(false);
  });
  it("all versions scan the KEY_PREFIX and filter the parsed key", () => {
    const [s] = scans(plan({ target: { prefix: "ab" }, allVersions: true }, REDIS, cfg({ keyPrefix: "p" })));
    expect(s.rawPrefix).toBe("p:");
    expect([row("p:1:abc"), row("p:7:ab"), row("p:1:a"), row("p:x:abc"), row("p:1:xab")].map(s.accept)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
  it("a URL is the page keys of its hash under the cache_page key_prefix, plus its header keys", () => {
    const h = urlHash("http://example.com/a");
    const [pages, headers] = scans(plan({ target: { url: "http://example.com/a", keyPrefix: "kp" } }));
    expect(pages.rawPrefix).toBe(":1:views.decorators.cache.cache_page.kp.");
    expect(headers.rawPrefix).toBe(`:1:views.decorators.cache.cache_header.kp.${h}`);
    expect(pages.accept(row(`:1:views.decorators.cache.cache_page.kp.GET.${h}.abc.en`))).toBe(true);
    expect(headers.accept(row(`:1:views.decorators.cache.cache_header.kp.${h}.en.UTC`))).toBe(true);
  });
  it("a fragment by name is a prefix; with vary_on values, one exact key", () => {
    expect(scans(plan({ target: { fragment: { name: "side" } } }))[0].rawPrefix).toBe(":1:template.cache.side.");
    expect(plan({ target: { fragment: { name: "side", varyOn: ["a", "b"] } } })).toEqual({
      mode: "exact",
      raws: [`:1:${fragmentKey("side", ["a", "b"])}`],
      notes: [],
    });
  });
  it("clear is the KEY_PREFIX only, and says so when that is empty", () => {
    const p = plan({ target: { clear: true } });
    expect(scans(p)[0].rawPrefix).toBe(":");
    expect(p.notes.join(" ")).toMatch(/KEY_PREFIX is empty/);
    const shop = plan({ target: { clear: true } }, REDIS, cfg({ keyPrefix: "shop" }));
    expect(scans(shop)[0].rawPrefix).toBe("shop:");
    expect(scans(shop)[0].accept(row("shopx:1:a"))).toBe(false);
    expect(shop.notes).toEqual([]);
  });
  it("refuses a custom KEY_FUNCTION", () => {
    expect(() => plan({ target: { prefix: "a" } }, REDIS, cfg({ customKeyFunction: true }))).toThrow(/KEY_FUNCTION/);
  });
});

describe("planFor on FileBasedCache (no listing by name)", () => {
  it("a URL becomes its exact header keys, with the reason", () => {
    const h = urlHash("https://example.com/x");
    const p = plan({ target: { url: "https://example.com/x", languages: ["en-us"], timezones: ["UTC"] } }, FILES);
    expect(p.mode).toBe("exact");
    if (p.mode !== "exact") return;
    const base = `:1:views.decorators.cache.cache_header..${h}`;
    expect(p.raws).toEqual([base, `${base}.UTC`, `${base}.en-us`, `${base}.en-us.UTC`]);
    expect(p.notes.join(" ")).toMatch(/cannot be computed/);
  });
  it("prefixes, fragment names and all versions are refused with the reason", () => {
    expect(() => plan({ target: { prefix: "a" } }, FILES)).toThrow(/cannot do/);
    expect(() => plan({ target: { fragment: { name: "a" } } }, FILES)).toThrow(/cannot do/);
    expect(() => plan({ target: { keys: ["a"] }, allVersions: true }, FILES)).toThrow(/allVersions/);
  });
  it("clear takes every file of the directory and warns about sharing it", () => {
    const p = plan({ target: { clear: true } }, FILES);
    expect(scans(p)[0]).toMatchObject({ rawPrefix: "" });
    expect(scans(p)[0].accept(row(null, "0123"))).toBe(true);
    expect(p.notes.join(" ")).toMatch(/other alias sharing the directory/);
  });
  it("a cache that cannot list cannot be cleared", () => {
    expect(() => plan({ target: { clear: true } }, DUMMY)).toThrow(/cannot list/);
  });
  it("expired takes only rows the backend marked expired, and asks the deleting walk for that metadata", () => {
    const [scan] = scans(plan({ target: { expired: true } }, FILES));
    expect(scan).toMatchObject({ rawPrefix: "", needsMeta: true });
    expect(scan.accept({ ...row(null, "a"), expired: true })).toBe(true);
    expect(scan.accept({ ...row(null, "b"), expired: false })).toBe(false);
    expect(scan.accept(row(null, "c"))).toBe(false);
    expect(() => plan({ target: { expired: false } }, FILES)).toThrow(/target.expired: must be true/);
    expect(() => plan({ target: { expired: true } }, DUMMY)).toThrow(/cannot list/);
  });
});
