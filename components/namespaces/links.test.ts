import { describe, expect, it } from "vitest";
import { namespaceLinks } from "./links";

describe("namespaceLinks", () => {
  it("filters the key browser by a plain namespace's prefix and sets up a prefix purge", () => {
    expect(namespaceLinks("my cache", "user", "key", true)).toEqual({
      keys: "/caches/my%20cache?prefix=user",
      invalidate: "/caches/my%20cache/invalidate?action=prefix&prefix=user",
    });
  });

  it("lists a fragment's variants, or opens it by name where keys cannot be listed", () => {
    expect(namespaceLinks("d", "fragment:side bar", "fragment", true)).toMatchObject({
      keys: "/caches/d?prefix=template.cache.side+bar.",
      invalidate: "/caches/d/invalidate?action=fragment&fragment=side+bar",
    });
    expect(namespaceLinks("d", "fragment:sidebar", "fragment", false).keys).toBe("/caches/d/entry?fragment=sidebar");
  });

  it("sends views to the invalidate page's URL target, and says why there is no key link", () => {
    expect(namespaceLinks("d", "api:product-list", "view", true)).toMatchObject({
      keys: null,
      invalidate: "/caches/d/invalidate?action=url",
    });
    expect(namespaceLinks("d", "(other)", "other", true)).toMatchObject({ keys: null, invalidate: null });
    expect(namespaceLinks("d", "session", "session", false)).toMatchObject({
      keys: null,
      invalidate: null,
      why: expect.stringMatching(/md5/),
    });
    expect(namespaceLinks("d", "user", "key", false)).toMatchObject({ keys: null, invalidate: null });
  });

  it("escapes any characters of a name into the query string", () => {
    expect(namespaceLinks("d", "a&b=c#d", "key", true).keys).toBe("/caches/d?prefix=a%26b%3Dc%23d");
  });
});
