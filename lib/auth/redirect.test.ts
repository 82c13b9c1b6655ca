import { describe, expect, it } from "vitest";
import { safeNext } from "./redirect";

const ORIGIN = "http://127.0.0.1:3000";

describe("safeNext", () => {
  it("keeps same-origin paths with their query and fragment", () => {
    expect(safeNext("/caches/default?prefix=a%2Fb#x", ORIGIN)).toBe("/caches/default?prefix=a%2Fb#x");
    expect(safeNext("/caches/default/entry?key=50%25off", ORIGIN)).toBe("/caches/default/entry?key=50%25off");
    expect(safeNext("/", ORIGIN)).toBe("/");
    expect(safeNext("/a/../audit", ORIGIN)).toBe("/audit");
  });

  it.each([
    "/%5Cevil.example/phish",
    "/%5cevil.example",
    "/%255Cevil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%00/x",
    "/%7f/x",
    "/\t/evil.example",
    "/\n/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "https://evil.example",
    "http://127.0.0.1:3000.evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,x",
    "evil.example",
    "",
    "/\u0085/evil",
    "/x".repeat(2000),
  ])("refuses %j", (next) => {
    expect(safeNext(next, ORIGIN)).toBe("/");
  });

  it("falls back to / with nothing given", () => {
    expect(safeNext(null, ORIGIN)).toBe("/");
    expect(safeNext(undefined, ORIGIN)).toBe("/");
  });
});
