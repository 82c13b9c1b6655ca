import { describe, expect, it } from "vitest";
import { parseLines } from "./metadump";

type Row = [string, number, number];
const make = (key: string, exp: number, size: number): Row => [key, exp, size];

function parse(text: string, pos = 0) {
  const out: Row[] = [];
  const result = parseLines(Buffer.from(text, "latin1"), pos, make, out);
  return { out, ...result };
}

describe("metadump line parser", () => {
  it("reads memcached 1.6 lines: key decoded, exp and size", () => {
    const text =
      "key=%3A1%3Aa exp=1795611030 la=1795610930 cas=3 fetch=no cls=1 size=71\nkey=caf%C3%A9 exp=-1 la=1 cas=4 fetch=yes cls=2 size=65\nEND\r\n";
    const { out, lines, stop, pos } = parse(text);
    expect(out).toEqual([
      [":1:a", 1795611030, 71],
      ["café", -1, 65],
    ]);
    expect(lines).toBe(2);
    // Stops at END for the caller to read.
    expect(stop).toBe(true);
    expect(pos).toBe(text.indexOf("END"));
  });

  it("finds exp and size by name when a server orders or extends the fields otherwise", () => {
    expect(parse("key=k exp=5 la=1 cas=2 fetch=no cls=1 size=60 flags=16\n").out).toEqual([["k", 5, 60]]);
    expect(parse("key=k la=1 size=61 exp=-1\r\n").out).toEqual([["k", -1, 61]]);
    expect(parse("key=k la=1\n").out).toEqual([["k", -1, 0]]);
  });

  it("leaves an incomplete last line for the next chunk", () => {
    const text = "key=a exp=-1 la=1 cas=1 fetch=no cls=1 size=60\nkey=b exp=-1 la=1 cas=2 fetch=no cls=1 si";
    const { out, pos, stop } = parse(text);
    expect(out).toEqual([["a", -1, 60]]);
    expect(pos).toBe(text.indexOf("key=b"));
    expect(stop).toBe(false);
    // Too short to tell a data line from END: wait for more too.
    expect(parse("ke").stop).toBe(false);
    expect(parse("EN").stop).toBe(false);
  });

  it("stops at a refusal before any data", () => {
    expect(parse("BUSY currently processing crawler request\r\n")).toMatchObject({ out: [], lines: 0, stop: true, pos: 0 });
  });
});
