import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sharedDir } from "@/lib/shared/paths";
import { fragmentKey, fragmentKeyStart } from "./fragment-keys";
import {
  UrlError,
  djangoAbsoluteUri,
  headerKeyStart,
  headerKeyVariants,
  isHeaderKeyOf,
  isPageKeyOf,
  pageKeyStart,
  urlHash,
} from "./page-keys";

/**
 * page-keys.fixture.json: real Django 3.2 (_generate_cache_header_key, RequestFactory) hashing each URL as a browser
 * sends it; made by test/django-urls/url_hashes.py. The first four URLs are the shared vectors' cache_page URLs.
 */
const fixture: { url: string; absoluteUri: string; md5: string }[] = JSON.parse(
  readFileSync(path.join(__dirname, "page-keys.fixture.json"), "utf8"),
);

interface Vector {
  id: string;
  key: string;
  kind: string;
  note?: string;
}
const vectors: Vector[] = JSON.parse(readFileSync(path.join(sharedDir(), "vectors/vectors.json"), "utf8"));

describe("djangoAbsoluteUri / urlHash against real Django", () => {
  for (const c of fixture) {
    it(c.url, () => {
      expect(djangoAbsoluteUri(c.url)).toBe(c.absoluteUri);
      expect(urlHash(c.url)).toBe(c.md5);
    });
  }

  it("refuses what is not an absolute http(s) URL, saying why", () => {
    expect(() => djangoAbsoluteUri("")).toThrow(/empty/);
    expect(() => djangoAbsoluteUri("/relative/path")).toThrow(UrlError);
    expect(() => djangoAbsoluteUri("ftp://example.com/x")).toThrow(/only http and https/);
    expect(() => djangoAbsoluteUri("javascript:alert(1)")).toThrow(/only http and https/);
    expect(() => djangoAbsoluteUri("http://u:p@example.com/")).toThrow(/user name/);
    expect(() => djangoAbsoluteUri("http://example.com/%ff")).toThrow(/not UTF-8/);
  });
});

describe("cache_page keys of the shared vectors", () => {
  // URL -> [cache_page key_prefix, vector id suffix].
  const byUrl: Record<string, [string, string]> = {
    "http://testserver/djredis/tpl/": ["tpl", "template"],
    "http://testserver/djredis/json/": ["", "json"],
    "http://testserver/djredis/drf/": ["", "drf"],
    "http://testserver/djredis/cookie/": ["ck", "cookie"],
  };
  const pages = vectors.filter((v) => v.kind === "page");
  const headers = vectors.filter((v) => v.kind === "page_header");

  for (const [url, [kp, name]] of Object.entries(byUrl)) {
    it(`${url} (key_prefix "${kp}")`, () => {
      const hash = urlHash(url);
      const mine = pages.filter((v) => isPageKeyOf(v.key, kp, hash));
      // Each Django version's djredis alias wrote this view once.
      expect(mine.map((v) => v.id).sort()).toEqual(["d32", "d42", "d52"].map((d) => `${d}-djredis-page-${name}`));
      for (const v of mine) expect(v.key.startsWith(pageKeyStart(kp))).toBe(true);
      // No other page vector is taken for this URL.
      expect(pages.filter((v) => !mine.includes(v)).some((v) => isPageKeyOf(v.key, kp, hash))).toBe(false);
    });
  }

  it("header keys: the hash and suffixes Django wrote", () => {
    const v = headers.find((h) => h.id === "d52-djredis-page-header");
    expect(v).toBeDefined();
    const hash = "96119c55cc2aa2535f87c94f27d66ad3";
    expect(isHeaderKeyOf(v!.key, "", hash)).toBe(true);
    expect(headerKeyVariants("", hash, ["en-us"], ["Europe/Berlin"])).toContain(v!.key);
    expect(isHeaderKeyOf(v!.key, "", hash.replace(/^9/, "8"))).toBe(false);
  });
});

describe("page key shapes", () => {
  const hash = "0123456789abcdef0123456789abcdef";
  it("matches any method and any header hash, but only this key_prefix", () => {
    expect(isPageKeyOf(`views.decorators.cache.cache_page.a.GET.${hash}.x.en.UTC`, "a", hash)).toBe(true);
    expect(isPageKeyOf(`views.decorators.cache.cache_page.a.HEAD.${hash}.y`, "a", hash)).toBe(true);
    // key_prefix "a.b" starts with "a.": not the same prefix.
    expect(isPageKeyOf(`views.decorators.cache.cache_page.a.b.GET.${hash}.x`, "a", hash)).toBe(false);
    expect(isPageKeyOf(`views.decorators.cache.cache_page.a.GET.${hash}0.x`, "a", hash)).toBe(false);
    expect(isPageKeyOf(`views.decorators.cache.cache_page.a.get.${hash}.x`, "a", hash)).toBe(false);
  });
  it("header keys: the bare key or a suffix after a dot", () => {
    expect(isHeaderKeyOf(headerKeyStart("", hash), "", hash)).toBe(true);
    expect(isHeaderKeyOf(`${headerKeyStart("", hash)}.en`, "", hash)).toBe(true);
    expect(isHeaderKeyOf(`${headerKeyStart("", hash)}0`, "", hash)).toBe(false);
  });
  it("variants: bare, language, time zone and both", () => {
    expect(headerKeyVariants("kp", hash, ["de"], ["UTC"]).map((k) => k.slice(headerKeyStart("kp", hash).length))).toEqual([
      "",
      ".UTC",
      ".de",
      ".de.UTC",
    ]);
  });
});

describe("template fragment keys", () => {
  it("matches every fragment vector (vary_on username='zoë')", () => {
    const fragments = vectors.filter((v) => v.kind === "fragment");
    expect(fragments.length).toBe(14);
    for (const v of fragments) expect(v.key).toBe(fragmentKey("sidebar", ["zoë"]));
  });
  it("joins vary_on values with a trailing ':'; none is md5 of ''", () => {
    expect(fragmentKey("f", ["a", "b"])).toBe("template.cache.f.d6e7a7288d38d4cf78b2f82cc7f50bba");
    expect(fragmentKey("f", [])).toBe("template.cache.f.d41d8cd98f00b204e9800998ecf8427e");
    expect(fragmentKeyStart("f")).toBe("template.cache.f.");
  });
});
