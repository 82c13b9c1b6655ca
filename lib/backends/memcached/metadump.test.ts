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

  it("reads la= and fetch= in place on 1.6 lines and by name otherwise (-1 where a line has neither)", () => {
    const access: [string, number, number][] = [];
    const out: null[] = [];
    const lines =
      "key=a exp=-1 la=1795610930 cas=3 fetch=no cls=1 size=71\nkey=b exp=5 la=17 cas=4 fetch=yes cls=2 size=65\n" +
      "key=c size=61 fetch=yes la=9\nkey=d exp=-1 size=60\n";
    parseLines(Buffer.from(lines, "latin1"), 0, (key, _exp, _size, la, fetched) => (access.push([key, la, fetched]), null), out);
    expect(access).toEqual([
      ["a", 1795610930, 0],
      ["b", 17, 1],
      ["c", 9, 1],
      ["d", -1, -1],
    ]);
    expect(out).toEqual([]);
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
