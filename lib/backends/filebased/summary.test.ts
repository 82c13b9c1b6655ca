import { describe, expect, it } from "vitest";
import type { PyValue } from "@/lib/codecs/pyvalue";
import type { DecodedEntry } from "@/lib/codecs/types";
import { kindFromValue, previewOf, PREVIEW_CHARS } from "./summary";

const str = (value: string): PyValue => ({ type: "str", value });
const entry = (value: PyValue | null, extra: Partial<DecodedEntry> = {}): DecodedEntry => ({
  encoding: { format: "pickle protocol 5", compression: "zlib" },
  value,
  truncated: false,
  ...extra,
});

describe("kind guessed from a FileBasedCache value", () => {
  it("tells pages, header lists, fragments and sessions from plain values", () => {
    expect(kindFromValue({ type: "object", class: "rest_framework.response.Response", value: { type: "dict", items: [] } })).toBe("page");
    expect(kindFromValue({ type: "object", class: "django.http.response.HttpResponse", value: { type: "dict", items: [] } })).toBe("page");
    expect(kindFromValue({ type: "list", items: [str("HTTP_ACCEPT_ENCODING"), str("HTTP_COOKIE")] })).toBe("page_header");
    expect(kindFromValue({ type: "list", items: [] })).toBe("page_header");
    expect(kindFromValue({ type: "list", items: [str("HTTP_X"), str("other")] })).toBe("key");
    expect(kindFromValue({ type: "object", class: "django.utils.safestring.SafeString", value: str("<b>x</b>") })).toBe("fragment");
    expect(kindFromValue({ type: "dict", items: [[str("_session_expiry"), { type: "int", value: "3600" }]] })).toBe("session");
    expect(kindFromValue({ type: "dict", items: [[str("user_id"), { type: "int", value: "1" }]] })).toBe("key");
    expect(kindFromValue({ type: "object", class: "myapp.models.Thing", value: { type: "dict", items: [] } })).toBe("key");
    expect(kindFromValue(str("HTTP_ACCEPT"))).toBe("key");
  });
});

describe("preview", () => {
  it("stays within the limit however large the value", () => {
    const huge: PyValue = { type: "list", items: Array.from({ length: 100_000 }, (_, i) => ({ type: "int", value: String(i) })) };
    const text = previewOf(entry(huge), "key");
    expect(text.length).toBeLessThanOrEqual(PREVIEW_CHARS);
    expect(text.startsWith("[0, 1, 2")).toBe(true);
    expect(text.endsWith("…")).toBe(true);
    expect(previewOf(entry(str("x".repeat(500))), "key").length).toBe(PREVIEW_CHARS);
  });

  it("says what the decoder could not read, and summarises pages and header lists", () => {
    expect(previewOf(entry(null, { error: "undecodable: not zlib" }), "key")).toBe("undecodable: not zlib");
    const response = {
      status: 404,
      contentType: "text/html",
      headers: {},
      bodyText: "<h1>\n  Not   found</h1>",
      bodyTruncated: false,
      className: "x",
    };
    expect(previewOf(entry(str(""), { response }), "page")).toBe("404 text/html <h1> Not found</h1>");
    expect(previewOf(entry({ type: "list", items: [] }), "page_header")).toBe("Vary: (none)");
    expect(previewOf(entry({ type: "list", items: [str("HTTP_ACCEPT_ENCODING")] }), "page_header")).toBe("Vary: HTTP_ACCEPT_ENCODING");
    expect(previewOf(entry({ type: "decimal", value: "1.50" }), "key")).toBe("Decimal('1.50')");
  });
});
