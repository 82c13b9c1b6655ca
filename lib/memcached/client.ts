import type { ServerAddress } from "./address";
import { Connection, type ConnectionOptions } from "./connection";
import { MemcachedError } from "./errors";
import { wireKey } from "./keys";
import {
  LineParser,
  MetaGetParser,
  QuietDeleteParser,
  StatsParser,
  parseMe,
  type DeleteResult,
  type ItemMeta,
  type ItemValue,
} from "./replies";

export type { DeleteResult, ItemMeta, ItemValue };

const CRLF = "\r\n";

export const DEFAULT_CONNECTION_OPTIONS: ConnectionOptions = { connectTimeoutMs: 2000, requestTimeoutMs: 5000 };

/** The commands Cachescope needs, over one pipelined connection to one server. */
export class MemcachedClient {
  private readonly conn: Connection;

  constructor(
    readonly address: ServerAddress,
    readonly options: ConnectionOptions = DEFAULT_CONNECTION_OPTIONS,
  ) {
    this.conn = new Connection(address, options);
  }

  get server(): string {
    return this.address.label;
  }

  version(): Promise<string> {
    return this.conn.request(
      `version${CRLF}`,
      new LineParser(this.server, (line) => {
        if (!line.startsWith("VERSION ")) throw new MemcachedError(`unexpected version reply: ${line.slice(0, 80)}`, this.server);
        return line.slice("VERSION ".length);
      }),
    );
  }

  stats(section: "" | "slabs" | "items" | "settings" = ""): Promise<Map<string, string>> {
    return this.conn.request(`stats${section ? ` ${section}` : ""}${CRLF}`, new StatsParser(this.server));
  }

  /** Item metadata; does not touch hit counters or the LRU. */
  meta(key: string): Promise<ItemMeta | null> {
    const k = wireKey(key);
    return this.conn.request(
      Buffer.concat([Buffer.from("me "), k, Buffer.from(CRLF)]),
      new LineParser(this.server, (line) => parseMe(line, this.server)),
    );
  }

  /** Value, flags, ttl. Counts as a get (hit or miss) on the server. */
  get(key: string): Promise<ItemValue | null> {
    const k = wireKey(key);
    return this.conn.request(Buffer.concat([Buffer.from("mg "), k, Buffer.from(` v f t s${CRLF}`)]), new MetaGetParser(this.server));
  }

  /** Deletes keys with one pipeline of quiet meta deletes closed by mn. Every key is checked before anything is sent. */
  deleteMany(keys: string[]): Promise<DeleteResult> {
    const wire = keys.map(wireKey);
    if (wire.length === 0) return Promise.resolve({ deleted: 0, notFound: 0 });
    const parts: Buffer[] = [];
    const md = Buffer.from("md ");
    const tail = Buffer.from(` q${CRLF}`);
    for (const k of wire) parts.push(md, k, tail);
    parts.push(Buffer.from(`mn${CRLF}`));
    return this.conn.request(Buffer.concat(parts), new QuietDeleteParser(this.server, wire.length));
  }

  close(): void {
    this.conn.close();
  }
}
