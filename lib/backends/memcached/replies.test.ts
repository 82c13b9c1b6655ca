import { describe, expect, it } from "vitest";
import type { ResponseParser } from "./connection";
import { MemcachedError } from "./errors";
import { ByteReader } from "./reader";
import { LineParser, MetaGetParser, QuietDeleteParser, StatsParser, parseMe } from "./replies";

/** Feeds bytes in pieces of `step`; the parser must only finish once the last byte of its reply (replyEnd) is in. */
function feed<T>(parser: ResponseParser<T>, bytes: Buffer, step: number, replyEnd = bytes.length): { value: T; reader: ByteReader } {
  const reader = new ByteReader();
  for (let i = 0; i < bytes.length; i += step) {
    reader.push(bytes.subarray(i, i + step));
    const value = parser.parse(reader);
    if (value !== undefined) {
      expect(i + step).toBeGreaterThanOrEqual(replyEnd);
      return { value, reader };
    }
  }
  throw new Error("parser never finished");
}

const S = "srv:1";

describe("reply parsers over split chunks", () => {
  for (const step of [1, 2, 3, 7, 1000]) {
    it(`mg value with CRLF inside it, ${step}-byte chunks`, () => {
      const value = Buffer.from("a\r\nVA 9\r\nEND\r\n\x00\xff", "latin1");
      const reply = Buffer.concat([Buffer.from(`VA ${value.length} f16 t-1 s${value.length}\r\n`), value, Buffer.from("\r\n")]);
      const next = Buffer.from("VERSION 1\r\n");
      const { value: got, reader } = feed(new MetaGetParser(S), Buffer.concat([reply, next]), step, reply.length);
      expect(got).toEqual({ value, flags: 16, ttl: null, length: value.length });
      // The next reply is left for the next parser (whatever of it has arrived yet).
      const rest = reader.readBytes(reader.available);
      expect(next.toString("latin1").startsWith(rest?.toString("latin1") ?? "")).toBe(true);
    });

    it(`stats up to END, ${step}-byte chunks`, () => {
      const { value } = feed(
        new StatsParser(S),
        Buffer.from("STAT pid 12\r\nSTAT version 1.6.18\r\nSTAT libevent 2.1 stable\r\nEND\r\n"),
        step,
      );
      expect([...value]).toEqual([
        ["pid", "12"],
        ["version", "1.6.18"],
        ["libevent", "2.1 stable"],
      ]);
    });
  }

  it("mg: a ttl, and a miss", () => {
    expect(feed(new MetaGetParser(S), Buffer.from("VA 2 f4 t3599 s2\r\n42\r\n"), 5).value).toMatchObject({ flags: 4, ttl: 3599 });
    expect(feed(new MetaGetParser(S), Buffer.from("EN\r\n"), 1).value).toBeNull();
  });

  it("server errors reject the request after consuming exactly their line", () => {
    const reader = new ByteReader();
    reader.push(Buffer.from("SERVER_ERROR out of memory\r\nVERSION 1.6.18\r\n"));
    expect(() => new MetaGetParser(S).parse(reader)).toThrow(MemcachedError);
    expect(new LineParser(S, (l) => l).parse(reader)).toBe("VERSION 1.6.18");
  });

  it("quiet deletes: NF lines counted, HD silent, MN ends", () => {
    expect(feed(new QuietDeleteParser(S, 5), Buffer.from("NF\r\nNF\r\nMN\r\n"), 1).value).toEqual({ deleted: 3, notFound: 2 });
    expect(() => feed(new QuietDeleteParser(S, 2), Buffer.from("CLIENT_ERROR bad data chunk\r\nMN\r\n"), 4)).toThrow(/1 deletes failed/);
  });

  it("me: fields, never-expiring, and the sign memcached 1.6.18 gets backwards", () => {
    expect(parseMe("ME :1:k exp=-1 la=0 cas=2 fetch=no cls=1 size=69", S)).toEqual({
      exp: null,
      lastAccess: 0,
      cas: "2",
      fetched: false,
      slabClass: 1,
      size: 69,
    });
    expect(parseMe("ME t1 exp=-1000 la=3 cas=5 fetch=yes cls=2 size=62", S)).toMatchObject({ exp: 1000, fetched: true });
    expect(parseMe("EN", S)).toBeNull();
    expect(() => parseMe("VA 1", S)).toThrow(MemcachedError);
  });
});
