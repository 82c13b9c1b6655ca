import type { CacheConfig } from "@/lib/config/types";
import { parseAddress } from "./address";
import { DEFAULT_CONNECTION_OPTIONS, MemcachedClient } from "./client";
import { InvalidKeyError, MemcachedError } from "./errors";
import { memcachedDecodeHint } from "./hint";
import { checkKey } from "./keys";
import { GET_NOTE } from "./read-note";
import { SNAPSHOT_MAX_ROWS, SnapshotStore, decodeCursor, encodeCursor, newListingId, type ListingCursor } from "./listing";
import { DumpDeduper, dump, type DumpItem, type Fetched } from "./metadump";
import { serverStats } from "./stats";
import { BackendError, messageOf } from "../errors";
import { failureOf, fanOut, probeStatus, rowsByServer, sumOrThrow } from "../pool";
import { downServerStats } from "../server-stats";
import { readMemcachedBuckets } from "./counter-buckets";
import type {
  BackendStatus,
  CacheBackend,
  Capabilities,
  ColdBasis,
  CounterBucketRead,
  EntryLimits,
  EntryRef,
  IterateOptions,
  KeyPage,
  KeyRow,
  ListOptions,
  RawEntry,
  StatsSnapshot,
} from "../types";

/**
 * memcached over its text protocol (pymemcache, pylibmc, python-memcached): keys listed with lru_crawler metadump,
 * read with meta commands. A pool's servers are each listed in turn; the clients' hashing is not reproduced.
 */

const MAX_LIST_COUNT = 10_000;
/** Keys per pipeline of meta deletes: bounds one request's size and the time it holds the connection. */
const DELETE_CHUNK = 10_000;
const DUMP_BATCH = 2000;
/** Largest item whose value readEntry fetches (mg cannot fetch part of one). */
const MAX_VALUE_READ = 32 * 1024 * 1024;
const DUMP_IDLE_TIMEOUT_MS = 10_000;

interface Server {
  label: string;
  client: MemcachedClient;
}

interface ServerPage {
  rows: KeyRow[];
  scanned: number;
  /** The listing of this server is complete with this page. */
  end: boolean;
}

function unixNow(): number {
  return Date.now() / 1000;
}

/**
 * The server's time for rows made in a tight loop: reading the clock for each of a million rows costs more than the
 * rest of the row, and a ttl is whole seconds anyway, so it is re-read every 1024 calls.
 */
function serverClock(clockOffset: number): () => number {
  let calls = 0;
  let now = unixNow() + clockOffset;
  return () => {
    if ((++calls & 1023) === 0) now = unixNow() + clockOffset;
    return now;
  };
}

/** The key of a ref, checked for the wire (InvalidKeyError before anything is sent). */
function rawKeyOf(ref: EntryRef): string {
  if (!("raw" in ref) || typeof ref.raw !== "string") throw new InvalidKeyError("memcached entries are addressed by raw key, not file");
  checkKey(ref.raw);
  return ref.raw;
}

/** The pool's servers from its LOCATIONs; a LOCATION that is not an address is the alias's config error. */
function serversOf(config: CacheConfig): Server[] | BackendError {
  if (config.locations.length === 0) return new BackendError("config", `cache "${config.alias}": memcached LOCATION is empty`);
  try {
    return config.locations.map((location) => {
      const address = parseAddress(location);
      return { label: address.label, client: new MemcachedClient(address, DEFAULT_CONNECTION_OPTIONS) };
    });
  } catch (err) {
    return new BackendError("config", `cache "${config.alias}": ${messageOf(err)}`);
  }
}

class MemcachedBackend implements CacheBackend {
  readonly capabilities: Capabilities = { listKeys: true, invalidatePrefix: true, serverStats: true, ttl: true, sizes: true };
  private readonly pool: Server[] | BackendError;
  private readonly byLabel: Map<string, Server>;
  private readonly snapshots = new SnapshotStore();

  constructor(readonly config: CacheConfig) {
    this.pool = serversOf(config);
    this.byLabel = new Map(this.pool instanceof BackendError ? [] : this.pool.map((s) => [s.label, s]));
  }

  /** The servers, or the config error every call reports. */
  private get servers(): Server[] {
    if (this.pool instanceof BackendError) throw this.pool;
    return this.pool;
  }

  async status(): Promise<BackendStatus> {
    if (this.pool instanceof BackendError) return { ok: false, error: this.pool.message };
    return probeStatus(this.pool, (s) => s.client.version());
  }

  async listKeys(opts: ListOptions): Promise<KeyPage> {
    if (typeof opts.prefix !== "string") throw new BackendError("invalid_input", "invalid prefix");
    const count = Math.min(Math.max(1, Math.floor(opts.count)), MAX_LIST_COUNT);
    if (!Number.isFinite(count)) throw new BackendError("invalid_input", "invalid count");
    let cursor: ListingCursor =
      opts.cursor === null ? { id: newListingId(), server: 0, position: 0 } : decodeCursor(opts.cursor, this.servers.length);
    const keys: KeyRow[] = [];
    const errors: { server: string; error: string }[] = [];
    let scanned = 0;
    while (keys.length < count && cursor.server < this.servers.length) {
      const server = this.servers[cursor.server];
      let page: ServerPage;
      try {
        page = await this.serverPage(server, cursor, opts.prefix, count - keys.length);
      } catch (err) {
        // One dead server must not hide the others: report it and go on with the next.
        errors.push({ server: server.label, error: messageOf(err) });
        page = { rows: [], scanned: 0, end: true };
      }
      keys.push(...page.rows);
      scanned += page.scanned;
      cursor = page.end
        ? { id: cursor.id, server: cursor.server + 1, position: 0 }
        : { id: cursor.id, server: cursor.server, position: cursor.position + page.rows.length };
    }
    const done = cursor.server >= this.servers.length;
    return { keys, cursor: done ? null : encodeCursor(cursor), scanned, ...(errors.length > 0 ? { errors } : {}) };
  }

  /** One page of one server's keys: from the listing's snapshot, or by streaming its dump (see listing.ts). */
  private async serverPage(server: Server, cursor: ListingCursor, prefix: string, want: number): Promise<ServerPage> {
    const snapshotKey = `${cursor.id}\u0000${cursor.server}\u0000${prefix}`;
    const snapshot = this.snapshots.get(snapshotKey);
    if (snapshot) {
      const slice = snapshot.rows.slice(cursor.position, cursor.position + want);
      const serverNow = unixNow() + snapshot.clockOffset;
      return {
        rows: slice.map((item) => this.row(server, item.key, item.exp, item.size, serverNow)),
        scanned: slice.length,
        end: cursor.position + slice.length >= snapshot.rows.length,
      };
    }
    const clockOffset = await this.clockOffset(server);
    let keep: DumpItem[] | null = [];
    const page: DumpItem[] = [];
    let matched = 0;
    let scanned = 0;
    const dedup = new DumpDeduper();
    let complete = true;
    const make = (key: string, exp: number, size: number): DumpItem | null => {
      scanned++;
      return key.startsWith(prefix) && dedup.fresh(key) ? { key, exp, size } : null;
    };
    for await (const batch of dump(server.client.address, this.dumpOptions(DUMP_BATCH), make, dedup.onMode)) {
      for (const item of batch) {
        if (matched >= cursor.position && page.length < want) page.push(item);
        matched++;
        if (keep) {
          if (keep.length < SNAPSHOT_MAX_ROWS) keep.push(item);
          else keep = null;
        }
      }
      // Too many keys to keep: stop the dump as soon as this page is full (closing the socket ends the crawl).
      if (!keep && page.length >= want) {
        complete = false;
        break;
      }
    }
    if (complete && keep) this.snapshots.set(snapshotKey, { rows: keep, clockOffset });
    const serverNow = unixNow() + clockOffset;
    return {
      rows: page.map((item) => this.row(server, item.key, item.exp, item.size, serverNow)),
      scanned,
      end: complete && cursor.position + page.length >= matched,
    };
  }

  async readEntry(ref: EntryRef, maxBytes: number): Promise<RawEntry | null> {
    const key = rawKeyOf(ref);
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new BackendError("invalid_input", "invalid maxBytes");
    const outcomes = await fanOut(this.servers, (server) => this.readOn(server, key, maxBytes));
    for (const o of outcomes) if (o.ok && o.value) return o.value;
    const failure = failureOf(outcomes, "not found on the servers that answered");
    if (failure) throw failure;
    return null;
  }

  /** The key on one server, or null where it does not hold it. */
  private async readOn(server: Server, key: string, maxBytes: number): Promise<RawEntry | null> {
    // `me` does not count as a get: only the server that holds the key is asked for the value.
    const meta = await server.client.meta(key);
    if (!meta) return null;
    if (meta.size > MAX_VALUE_READ) {
      // memcached cannot send part of a value: one this big (servers run with -I up to 1 GiB) is not fetched.
      return {
        raw: key,
        type: "item",
        ttl: meta.exp,
        size: meta.size,
        bytes: null,
        notes: [`Not read: the item is ${meta.size} bytes, over the ${MAX_VALUE_READ}-byte read limit`, `Held by ${server.label}`],
      };
    }
    const item = await server.client.get(key);
    if (!item) return null;
    return {
      raw: key,
      type: "item",
      ttl: item.ttl,
      size: meta.size,
      bytes: item.value.length > maxBytes ? item.value.subarray(0, maxBytes) : item.value,
      valueLength: item.length,
      hint: memcachedDecodeHint(this.config, item.flags) ?? undefined,
      notes: [GET_NOTE, `Held by ${server.label}`],
    };
  }

  async deleteEntries(refs: EntryRef[]): Promise<number> {
    const keys = refs.map(rawKeyOf);
    if (keys.length === 0) return 0;
    // The Python clients' hashing is not reproduced: a key is deleted on every server of the pool.
    return sumOrThrow(await fanOut(this.servers, (s) => this.deleteOn(s, keys)), "deleted");
  }

  async deleteListed(rows: KeyRow[]): Promise<number> {
    if (this.pool instanceof BackendError) throw this.pool;
    // Validate every row before deleting anything: a bad row must not leave a half-done purge behind.
    const byServer = rowsByServer(rows, this.byLabel);
    const batches = [...byServer].map(([server, listed]) => ({
      label: server.label,
      server,
      keys: listed.map((row) => {
        if (typeof row.raw !== "string") throw new InvalidKeyError("listed row has no key");
        return checkKey(row.raw);
      }),
    }));
    return sumOrThrow(await fanOut(batches, (b) => this.deleteOn(b.server, b.keys)), "deleted");
  }

  private async deleteOn(server: Server, keys: string[]): Promise<number> {
    const chunks: Promise<{ deleted: number }>[] = [];
    for (let i = 0; i < keys.length; i += DELETE_CHUNK) {
      chunks.push(server.client.deleteMany(keys.length <= DELETE_CHUNK ? keys : keys.slice(i, i + DELETE_CHUNK)));
    }
    const done = await Promise.all(chunks);
    return done.reduce((sum, r) => sum + r.deleted, 0);
  }

  async *iterate(opts: IterateOptions): AsyncIterable<KeyRow[]> {
    const batchSize = Math.max(1, Math.floor(opts.batch));
    const failures: string[] = [];
    for (const server of this.servers) {
      if (opts.signal?.aborted) return;
      try {
        const clockOffset = await this.clockOffset(server);
        const dedup = new DumpDeduper();
        const { prefix } = opts;
        const now = serverClock(clockOffset);
        // Rows are made as lines are parsed: the dump's batches are the batches to yield.
        const access = opts.withAccess === true;
        const make = (key: string, exp: number, size: number, la: number, fetched: Fetched): KeyRow | null => {
          if (!key.startsWith(prefix) || !dedup.fresh(key)) return null;
          const serverNow = now();
          if (!access) return this.row(server, key, exp, size, serverNow);
          return this.row(
            server,
            key,
            exp,
            size,
            serverNow,
            la >= 0 ? Math.max(0, Math.round(serverNow - la)) : undefined,
            fetched === -1 ? undefined : fetched === 1,
          );
        };
        yield* dump(server.client.address, this.dumpOptions(batchSize, opts.signal), make, dedup.onMode);
      } catch (err) {
        if (opts.signal?.aborted) return;
        failures.push(messageOf(err));
      }
    }
    // The reachable servers were all walked; a purge must still learn that some keys could not be.
    if (failures.length > 0) throw new MemcachedError(`${failures.length} server(s) could not be listed: ${failures.join("; ")}`);
  }

  /** Every metadump line carries fetch= and la= (memcached 1.5.7+; older lines lack them and the figures stay unknown). */
  async coldBasis(): Promise<ColdBasis> {
    return {
      basis: "fetched",
      note:
        "From the servers' own item metadata: fetch=no marks items never read since they were written; la= is the last access " +
        "(read or write) in whole seconds. A read by this console (opening an entry) counts as a fetch.",
      idle1h: true,
      idle24h: true,
    };
  }

  /** item_size_max of the pool (its smallest: a key may land on any server); servers that do not answer are skipped. */
  async limits(): Promise<EntryLimits> {
    const sizes = await Promise.all(
      this.servers.map((s) =>
        s.client
          .stats("settings")
          .then((settings) => Number(settings.get("item_size_max")))
          .catch(() => Number.NaN),
      ),
    );
    const known = sizes.filter((n) => Number.isFinite(n) && n > 0);
    return known.length > 0 ? { itemSizeMax: Math.min(...known) } : {};
  }

  async stats(): Promise<StatsSnapshot> {
    const outcomes = await fanOut(this.servers, async (s) => {
      // Pipelined on one connection: four requests, one round trip.
      const [general, slabs, items, settings] = await Promise.all([
        s.client.stats(),
        s.client.stats("slabs"),
        s.client.stats("items"),
        s.client.stats("settings"),
      ]);
      return serverStats(s.label, general, slabs, items, settings);
    });
    const servers = outcomes.map((o) => (o.ok ? o.value : downServerStats(o.server, o.error)));
    return { at: Date.now(), supported: true, serverWide: true, servers };
  }

  /** The companion writes to the first server of LOCATION, whatever the pool's hashing would pick. */
  async readCounterBuckets(alias: string, buckets: number[]): Promise<Map<number, CounterBucketRead>> {
    return readMemcachedBuckets(this.servers[0].client, alias, buckets);
  }

  async close(): Promise<void> {
    this.snapshots.clear();
    if (!(this.pool instanceof BackendError)) for (const s of this.pool) s.client.close();
  }

  private dumpOptions(batch: number, signal?: AbortSignal) {
    return {
      batch,
      connectTimeoutMs: DEFAULT_CONNECTION_OPTIONS.connectTimeoutMs,
      idleTimeoutMs: DUMP_IDLE_TIMEOUT_MS,
      signal,
    };
  }

  /** Server clock minus ours, in seconds: metadump gives absolute expiry times in the server's clock. */
  private async clockOffset(server: Server): Promise<number> {
    const before = unixNow();
    const general = await server.client.stats();
    const time = Number(general.get("time"));
    if (!Number.isFinite(time)) throw new MemcachedError("stats has no time", server.label);
    return time - (before + unixNow()) / 2;
  }

  /**
   * serverNow: the current time in the server's clock (unix seconds). idle and fetched: the access facts of an
   * analysis, given in the literal (one shape per row, no field added afterwards: a million rows per analysis).
   */
  private row(server: Server, key: string, exp: number, size: number, serverNow: number, idle?: number, fetched?: boolean): KeyRow {
    const row: KeyRow = { raw: key, server: server.label, ttl: null, size, type: "item", idle, fetched };
    if (exp !== -1) {
      const ttl = Math.round(exp - serverNow);
      row.ttl = Math.max(0, ttl);
      if (ttl <= 0) row.expired = true;
    }
    return row;
  }
}

export function createTextMemcachedBackend(config: CacheConfig): CacheBackend {
  return new MemcachedBackend(config);
}
