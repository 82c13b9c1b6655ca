import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sharedDir } from "@/lib/shared/paths";
import { kindOfKey, makeKey, parseRawKey, rawPrefixFor } from "./keys";

interface Vector {
  id: string;
  keyPrefix: string;
  version: number;
  key: string;
  rawKey: string;
  kind: string;
}

const vectors: Vector[] = JSON.parse(readFileSync(path.join(sharedDir(), "vectors/vectors.json"), "utf8"));

describe("Django key layout on every vector", () => {
  it("has all 310 vectors", () => expect(vectors.length).toBe(310));
  for (const v of vectors) {
    it(`${v.id}: ${v.rawKey.slice(0, 60)}`, () => {
      expect(makeKey(v.key, v.keyPrefix, v.version)).toBe(v.rawKey);
      expect(parseRawKey(v.rawKey, v.keyPrefix)).toEqual({ key: v.key, version: v.version });
      expect(kindOfKey(v.key)).toBe(v.kind);
    });
  }
});

describe("parseRawKey", () => {
  it("handles prefixes and keys that contain colons", () => {
    expect(parseRawKey("my:app:12:a:b", "my:app")).toEqual({ key: "a:b", version: 12 });
    expect(parseRawKey(":1:", "")).toEqual({ key: "", version: 1 });
  });
  it("rejects keys outside the layout", () => {
    expect(parseRawKey("other:1:x", "shop")).toBeNull();
    expect(parseRawKey("shop:v1:x", "shop")).toBeNull();
    expect(parseRawKey("shop:1", "shop")).toBeNull();
    expect(parseRawKey("plainkey", "")).toBeNull();
  });
  it("reads versions as Django prints them: decimal digits, optionally negative, 1 to 15 of them", () => {
    expect(parseRawKey("shop:-3:x", "shop")).toEqual({ key: "x", version: -3 });
    expect(parseRawKey(":123456789012345:x", "")).toEqual({ key: "x", version: 123456789012345 });
    expect(parseRawKey(":1234567890123456:x", "")).toBeNull();
    expect(parseRawKey(":-:x", "")).toBeNull();
    expect(parseRawKey(":+1:x", "")).toBeNull();
    expect(parseRawKey("::x", "")).toBeNull();
    expect(parseRawKey("shopx1:x", "shop")).toBeNull();
    expect(parseRawKey("shop:", "shop")).toBeNull();
  });
  it("builds the raw prefix for one version or all", () => {
    expect(rawPrefixFor("shop", 3, "cart.")).toBe("shop:3:cart.");
    expect(rawPrefixFor("shop", null)).toBe("shop:");
  });
});
