import { describe, expect, it } from "vitest";
import { clientAddress, siteOrigin } from "./forwarded";

const headers = (h: Record<string, string>) => new Headers(h);

describe("siteOrigin", () => {
  const proxied = headers({ host: "127.0.0.1:3000", "x-forwarded-host": "console.example, other", "x-forwarded-proto": "https" });

  it("ignores X-Forwarded-Host/Proto without a trusted proxy: the Host header over http", () => {
    expect(siteOrigin(proxied, "fallback", false)).toBe("http://127.0.0.1:3000");
    expect(siteOrigin(headers({}), "localhost:3000", false)).toBe("http://localhost:3000");
  });

  it("uses their first value behind a trusted proxy", () => {
    expect(siteOrigin(proxied, "fallback", true)).toBe("https://console.example");
    expect(siteOrigin(headers({ host: "h:1", "x-forwarded-proto": "gopher" }), "f", true)).toBe("http://h:1");
  });
});

describe("clientAddress", () => {
  const xff = headers({ "x-forwarded-for": "203.0.113.9, 10.0.0.1, 192.0.2.5" });
  it("takes the first entry (set by Next.js from the socket once the client's own was dropped) without trust", () => {
    expect(clientAddress(xff, false)).toBe("203.0.113.9");
  });
  it("takes the entry the trusted proxy appended, never one the client wrote", () => {
    expect(clientAddress(xff, true)).toBe("192.0.2.5");
    expect(clientAddress(headers({}), true)).toBeNull();
  });
});
