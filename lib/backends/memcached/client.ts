import type { ServerAddress } from "./address";
import { Connection, type ConnectionOptions } from "./connection";
import { MemcachedError } from "./errors";
import { checkKey } from "./keys";
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
    return this.conn.request(`me ${checkKey(key)}${CRLF}`, new LineParser(this.server, (line) => parseMe(line, this.server)));
  }

  /** Value, flags, ttl. Counts as a get (hit or miss) on the server. */
  get(key: string): Promise<ItemValue | null> {
    return this.conn.request(`mg ${checkKey(key)} v f t s${CRLF}`, new MetaGetParser(this.server));
  }

  /**
   * Stores a value the way the Python clients do (the classic `set`, which pymemcache sends). A full server answers
   * SERVER_ERROR (out of memory, object too large), thrown as a MemcachedError with its words.
   */
  async set(key: string, value: Uint8Array, flags: number, exptime: number): Promise<void> {
    const head = `set ${checkKey(key)} ${flags} ${exptime} ${value.length}${CRLF}`;
    const payload = Buffer.concat([Buffer.from(head), value, Buffer.from(CRLF)]);
    // The parser must answer something other than undefined (which means "not complete yet").
    await this.conn.request(
      payload,
      new LineParser(this.server, (line) => {
        if (line !== "STORED") throw new MemcachedError(`set not stored: the server answered ${line.slice(0, 80)}`, this.server);
        return true;
      }),
    );
  }

  /** Deletes one key; true when it existed. */
  delete(key: string): Promise<boolean> {
    return this.conn.request(
      `delete ${checkKey(key)}${CRLF}`,
      new LineParser(this.server, (line) => {
        if (line === "DELETED") return true;
        if (line === "NOT_FOUND") return false;
        throw new MemcachedError(`unexpected delete reply: ${line.slice(0, 80)}`, this.server);
      }),
    );
  }

  /** Deletes keys with one pipeline of quiet meta deletes closed by mn. Every key is checked before anything is sent. */
  deleteMany(keys: string[]): Promise<DeleteResult> {
    for (const k of keys) checkKey(k);
    if (keys.length === 0) return Promise.resolve({ deleted: 0, notFound: 0 });
    let payload = "";
    for (const k of keys) payload += `md ${k} q${CRLF}`;
    return this.conn.request(`${payload}mn${CRLF}`, new QuietDeleteParser(this.server, keys.length));
  }

  close(): void {
    this.conn.close();
  }
}
