import { describe, expect, it } from "vitest";
import { decodeEntry } from "./decode";

/** DatabaseCache rows: pickle.loads(base64.b64decode(value)), as Django 3.2–5.x reads them (values made by CPython). */
const bytes = (s: string) => new TextEncoder().encode(s);
const HINT = { source: "database" } as const;

describe("DatabaseCache values (base64 of a pickle)", () => {
  it("decodes what Django stored", () => {
    expect(decodeEntry(bytes("gAWVDwAAAAAAAACMC2hlbGxvIHdvcmxklC4="), HINT)).toMatchObject({
      encoding: { format: "pickle protocol 5", compression: null },
      value: { type: "str", value: "hello world" },
    });
    const dict = decodeEntry(bytes("gASVEAAAAAAAAAB9lIwBYZRdlChLAUsCZXMu"), HINT);
    expect(dict.encoding.format).toBe("pickle protocol 4");
    expect(JSON.stringify(dict.value)).toContain('"a"');
  });

  it("skips characters outside the alphabet the way b64decode does (a line break)", () => {
    expect(decodeEntry(bytes("gAWVDwAAAAAAAACMC2hl\nbGxvIHdvcmxklC4="), HINT).value).toEqual({ type: "str", value: "hello world" });
  });

  it("says why when the value is not base64, or not a pickle", () => {
    expect(decodeEntry(bytes("abc"), HINT)).toMatchObject({ value: null, error: expect.stringMatching(/^undecodable: not valid base64/) });
    expect(decodeEntry(bytes(Buffer.from("no pickle here").toString("base64")), HINT)).toMatchObject({
      value: null,
      error: expect.stringMatching(/^undecodable: pickle/),
    });
  });
});
