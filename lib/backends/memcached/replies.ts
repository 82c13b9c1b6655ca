import type { ResponseParser } from "./connection";
import { MemcachedError } from "./errors";
import type { ByteReader } from "./reader";

/** Parsers of the replies Cachescope reads. Each consumes exactly one reply, however the bytes arrive. */

/** What `me` tells about an item, without counting as a get. */
export interface ItemMeta {
  /** Seconds to expiry; null = never (servers disagree on the sign: see parseMe). */
  exp: number | null;
  /** Seconds since last access. */
  lastAccess: number;
  cas: string;
  fetched: boolean;
  slabClass: number;
  /** Whole item size in memory (header + key + value), bytes. */
  size: number;
}

export interface ItemValue {
  value: Buffer;
  flags: number;
  /** Seconds to expiry; null = never. */
  ttl: number | null;
  /** Value length in bytes. */
  length: number;
}

export interface DeleteResult {
  deleted: number;
  notFound: number;
}

/** Lines that end any reply with an error. The connection stays in step: the whole reply was this one line. */
function failOnError(line: string, server: string): void {
  if (line === "ERROR" || line.startsWith("ERROR ") || line.startsWith("CLIENT_ERROR") || line.startsWith("SERVER_ERROR")) {
    throw new MemcachedError(`server replied ${line}`, server);
  }
}

export class LineParser<T> implements ResponseParser<T> {
  constructor(
    private readonly server: string,
    private readonly onLine: (line: string) => T,
  ) {}
  parse(reader: ByteReader): T | undefined {
    const line = reader.readLine();
    if (line === null) return undefined;
    failOnError(line, this.server);
    return this.onLine(line);
  }
}

/** STAT name value lines up to END. */
export class StatsParser implements ResponseParser<Map<string, string>> {
  private readonly stats = new Map<string, string>();
  constructor(private readonly server: string) {}
  parse(reader: ByteReader): Map<string, string> | undefined {
    for (;;) {
      const line = reader.readLine();
      if (line === null) return undefined;
      if (line === "END") return this.stats;
      failOnError(line, this.server);
      if (!line.startsWith("STAT ")) throw new MemcachedError(`unexpected stats line: ${line.slice(0, 80)}`, this.server);
      const space = line.indexOf(" ", 5);
      if (space === -1) this.stats.set(line.slice(5), "");
      else this.stats.set(line.slice(5, space), line.slice(space + 1));
    }
  }
}

/** Flag tokens after the code of a meta reply ("f16 t-1 s2") by their letter. */
function metaFlags(tokens: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (const t of tokens) if (t.length > 0) flags.set(t[0], t.slice(1));
  return flags;
}

function intOf(text: string | undefined, what: string, server: string): number {
  const n = Number(text);
  if (text === undefined || text === "" || !Number.isInteger(n)) throw new MemcachedError(`bad ${what} in reply: ${text}`, server);
  return n;
}

/** `mg <key> v f t s`: "VA <len> f.. t.. s..", the value and CRLF; or "EN" on a miss. */
export class MetaGetParser implements ResponseParser<ItemValue | null> {
  private header: { length: number; flags: number; ttl: number | null } | null = null;
  constructor(private readonly server: string) {}
  parse(reader: ByteReader): ItemValue | null | undefined {
    if (!this.header) {
      const line = reader.readLine();
      if (line === null) return undefined;
      if (line === "EN") return null;
      failOnError(line, this.server);
      const tokens = line.split(" ");
      if (tokens[0] !== "VA") throw new MemcachedError(`unexpected mg reply: ${line.slice(0, 80)}`, this.server);
      const length = intOf(tokens[1], "value length", this.server);
      const flags = metaFlags(tokens.slice(2));
      const ttl = intOf(flags.get("t"), "ttl", this.server);
      this.header = { length, flags: intOf(flags.get("f"), "flags", this.server), ttl: ttl < 0 ? null : ttl };
    }
    const block = reader.readBytes(this.header.length + 2);
    if (block === null) return undefined;
    return {
      value: Buffer.from(block.subarray(0, this.header.length)),
      flags: this.header.flags,
      ttl: this.header.ttl,
      length: this.header.length,
    };
  }
}

/** Replies of a pipeline of quiet deletes: HD is silent, NF is printed, MN ends it. */
export class QuietDeleteParser implements ResponseParser<DeleteResult> {
  private notFound = 0;
  private failures: string[] = [];
  constructor(
    private readonly server: string,
    private readonly sent: number,
  ) {}
  parse(reader: ByteReader): DeleteResult | undefined {
    for (;;) {
      const line = reader.readLine();
      if (line === null) return undefined;
      if (line === "MN") {
        if (this.failures.length > 0) {
          throw new MemcachedError(`${this.failures.length} deletes failed: ${this.failures[0]}`, this.server);
        }
        return { deleted: this.sent - this.notFound, notFound: this.notFound };
      }
      if (line === "NF") this.notFound++;
      else if (line !== "HD") this.failures.push(line.slice(0, 120));
    }
  }
}

export function parseMe(line: string, server: string): ItemMeta | null {
  if (line === "EN") return null;
  const tokens = line.split(" ");
  if (tokens[0] !== "ME") throw new MemcachedError(`unexpected me reply: ${line.slice(0, 80)}`, server);
  const fields = new Map<string, string>();
  for (const t of tokens.slice(2)) {
    const eq = t.indexOf("=");
    if (eq > 0) fields.set(t.slice(0, eq), t.slice(eq + 1));
  }
  const exp = intOf(fields.get("exp"), "exp", server);
  return {
    // memcached 1.6.18 prints exp as (now - exptime): the sign is not reliable across versions, only -1 (never) is.
    exp: exp === -1 ? null : Math.abs(exp),
    lastAccess: intOf(fields.get("la"), "la", server),
    cas: fields.get("cas") ?? "",
    fetched: fields.get("fetch") === "yes",
    slabClass: intOf(fields.get("cls"), "cls", server),
    size: intOf(fields.get("size"), "size", server),
  };
}
