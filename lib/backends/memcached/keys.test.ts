import { describe, expect, it } from "vitest";
import { InvalidKeyError } from "./errors";
import { checkKey, decodeDumpKey } from "./keys";

describe("checkKey", () => {
  it("passes printable and UTF-8 keys", () => {
    expect(checkKey(":1:views.decorators.cache.cache_page..GET.abc")).toBe(":1:views.decorators.cache.cache_page..GET.abc");
    expect(checkKey("pm:1:café")).toBe("pm:1:café");
  });

  it.each([
    ["a space", "pm:1:a b"],
    ["a CRLF that would start a second command", "k\r\nflush_all"],
    ["a tab", "a\tb"],
    ["DEL", "a\x7fb"],
    ["NUL", "a\x00b"],
    ["nothing", ""],
  ])("refuses %s", (_what, key) => {
    expect(() => checkKey(key)).toThrow(InvalidKeyError);
  });

  it("counts the limit in bytes, not characters", () => {
    expect(checkKey("a".repeat(250)).length).toBe(250);
    expect(checkKey("é".repeat(125))).toHaveLength(125);
    expect(() => checkKey("a".repeat(251))).toThrow(/251 bytes/);
    // 125 two-byte characters are 250 bytes; one more ASCII character goes over.
    expect(() => checkKey("é".repeat(125) + "a")).toThrow(InvalidKeyError);
  });
});

describe("decodeDumpKey", () => {
  const decode = (s: string) => {
    const buf = Buffer.from(`xx${s}yy`, "latin1");
    return decodeDumpKey(buf, 2, buf.length - 2);
  };
  it("reads percent escapes as UTF-8 bytes", () => {
    expect(decode("caf%C3%A9")).toBe("café");
    expect(decode("a%2520b")).toBe("a%20b");
    expect(decode(":1:plain")).toBe(":1:plain");
  });
  it("keeps a stray percent sign as it is", () => {
    expect(decode("100%")).toBe("100%");
    expect(decode("%zz%4")).toBe("%zz%4");
  });
});
