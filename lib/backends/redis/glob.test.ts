import { describe, expect, it } from "vitest";
import { escapeGlob, prefixPattern } from "./glob";

describe("escapeGlob", () => {
  it("backslash-escapes every glob character", () => {
    expect(escapeGlob("report[2024]*:")).toBe("report\\[2024\\]\\*:");
    expect(escapeGlob("a?b")).toBe("a\\?b");
    expect(escapeGlob("back\\slash")).toBe("back\\\\slash");
    expect(escapeGlob("[^x]")).toBe("\\[^x\\]");
  });

  it("leaves ordinary characters, colons and unicode alone", () => {
    expect(escapeGlob(":1:views.decorators.cache.cache_page.é-{tag}")).toBe(":1:views.decorators.cache.cache_page.é-{tag}");
    expect(escapeGlob("")).toBe("");
  });

  it("builds a pattern that ends in one unescaped star", () => {
    expect(prefixPattern("report[2024]*:")).toBe("report\\[2024\\]\\*:*");
    expect(prefixPattern("")).toBe("*");
  });
});
