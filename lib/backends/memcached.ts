import { decodeHintFor } from "@/lib/codecs/hint";
import type { CacheConfig } from "@/lib/config/types";
import { parseAddress } from "@/lib/memcached/address";
import { DEFAULT_CONNECTION_OPTIONS, MemcachedClient } from "@/lib/memcached/client";
import { InvalidKeyError, MemcachedError } from "@/lib/memcached/errors";
import { checkKey } from "@/lib/memcached/keys";
import { GET_NOTE } from "@/lib/memcached/read-note";
import {
  SNAPSHOT_MAX_ROWS,
  SnapshotStore,
  decodeCursor,
  encodeCursor,
  newListingId,
  type ListingCursor,
} from "@/lib/memcached/listing";
import { DumpDeduper, dump, type DumpItem } from "@/lib/memcached/metadump";
import { serverStats } from "@/lib/memcached/stats";
import { readMemcachedBuckets } from "@/lib/namespaces/read-memcached";
import { createSaslMemcachedBackend, saslCredentials } from "./memcached-sasl";
import { downServerStats } from "./server-stats";
import type {
  BackendStatus,
  CacheBackend,
  Capabilities,
  CounterBucketRead,
  EntryLimits,
  EntryRef,
  IterateOptions,
  KeyPage,
  KeyRow,
  ListOptions,
  RawEntry,
  ServerStats,
  StatsSnapshot,
} from "./types";

export { GET_NOTE };

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

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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

class MemcachedBackend implements CacheBackend {
  readonly kind = "memcached" as const;
  readonly capabilities: Capabilities = { listKeys: true, invalidatePrefix: true, serverStats: true, ttl: true, sizes: true };
  private readonly servers: Server[];
  private readonly byLabel: Map<string, Server>;
  private readonly snapshots = new SnapshotStore();

  constructor(readonly config: CacheConfig) {
    if (decodeHintFor(config.backend, config.options, 0)?.source !== "memcached") throw new Error(`not a memcached backend: ${config.backend}`);
    if (config.locations.length === 0) throw new Error(`cache "${config.alias}": memcached LOCATION is empty`);
    this.servers = config.locations.map((location) => {
      const address = parseAddress(location);
      return { label: address.label, client: new MemcachedClient(address, DEFAULT_CONNECTION_OPTIONS) };
    });
    this.byLabel = new Map(this.servers.map((s) => [s.label, s]));
  }

  async status(): Promise<BackendStatus> {
    const servers = await Promise.all(
      this.servers.map(async (s) => {
        const started = performance.now();
        try {
          await s.client.version();
          return { server: s.label, ok: true, latencyMs: performance.now() - started };
        } catch (err) {
          return { server: s.label, ok: false, error: messageOf(err) };
        }
      }),
    );
    const down = servers.filter((s) => !s.ok);
    const up = servers.filter((s) => s.ok);
    return {
      ok: down.length === 0,
      latencyMs: up.length > 0 ? Math.max(...up.map((s) => s.latencyMs ?? 0)) : undefined,
      error: down.length > 0 ? `${down.length} of ${servers.length} servers unreachable: ${down.map((s) => s.error).join("; ")}` : undefined,
      servers,
    };
  }

  async listKeys(opts: ListOptions): Promise<KeyPage> {
    if (typeof opts.prefix !== "string") throw new Error("invalid prefix");
    const count = Math.min(Math.max(1, Math.floor(opts.count)), MAX_LIST_COUNT);
    if (!Number.isFinite(count)) throw new Error("invalid count");
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

  /** One page of one server's keys: from the listing's snapshot, or by streaming its dump (see lib/memcached/listing.ts). */
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
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new Error("invalid maxBytes");
    const failures: string[] = [];
    for (const server of this.servers) {
      try {
        // `me` does not count as a get: only the server that holds the key is asked for the value.
        const meta = await server.client.meta(key);
        if (!meta) continue;
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
        if (!item) continue;
        return {
          raw: key,
          type: "item",
          ttl: item.ttl,
          size: meta.size,
          bytes: item.value.length > maxBytes ? item.value.subarray(0, maxBytes) : item.value,
          valueLength: item.length,
          hint: decodeHintFor(this.config.backend, this.config.options, item.flags) ?? undefined,
          notes: [GET_NOTE, `Held by ${server.label}`],
        };
      } catch (err) {
        if (err instanceof InvalidKeyError) throw err;
        failures.push(messageOf(err));
      }
    }
    if (failures.length > 0) throw new MemcachedError(`not found on the reachable servers; unreachable: ${failures.join("; ")}`);
    return null;
  }

  async deleteEntries(refs: EntryRef[]): Promise<number> {
    const keys = refs.map(rawKeyOf);
    if (keys.length === 0) return 0;
    // The Python clients' hashing is not reproduced: a key is deleted on every server of the pool.
    const results = await Promise.allSettled(this.servers.map((s) => this.deleteOn(s, keys)));
    return this.sumDeleted(results);
  }

  async deleteListed(rows: KeyRow[]): Promise<number> {
    const byServer = new Map<Server, string[]>();
    // Validate every row before deleting anything: a bad row must not leave a half-done purge behind.
    for (const row of rows) {
      const server = row.server === undefined ? undefined : this.byLabel.get(row.server);
      if (!server) throw new Error(`row names no server of this pool: ${String(row.server)}`);
      if (typeof row.raw !== "string") throw new InvalidKeyError("listed row has no key");
      checkKey(row.raw);
      const keys = byServer.get(server);
      if (keys) keys.push(row.raw);
      else byServer.set(server, [row.raw]);
    }
    const results = await Promise.allSettled([...byServer].map(([server, keys]) => this.deleteOn(server, keys)));
    return this.sumDeleted(results);
  }

  private async deleteOn(server: Server, keys: string[]): Promise<number> {
    const chunks: Promise<{ deleted: number }>[] = [];
    for (let i = 0; i < keys.length; i += DELETE_CHUNK) {
      chunks.push(server.client.deleteMany(keys.length <= DELETE_CHUNK ? keys : keys.slice(i, i + DELETE_CHUNK)));
    }
    const done = await Promise.all(chunks);
    return done.reduce((sum, r) => sum + r.deleted, 0);
  }

  /** Sum of what was deleted; if a server failed, an error that still says how much was deleted elsewhere. */
  private sumDeleted(results: PromiseSettledResult<number>[]): number {
    let deleted = 0;
    const failures: string[] = [];
    for (const r of results) {
      if (r.status === "fulfilled") deleted += r.value;
      else failures.push(messageOf(r.reason));
    }
    if (failures.length > 0) throw new MemcachedError(`deleted ${deleted}, but ${failures.length} server(s) failed: ${failures.join("; ")}`);
    return deleted;
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
        const make = (key: string, exp: number, size: number): KeyRow | null =>
          key.startsWith(prefix) && dedup.fresh(key) ? this.row(server, key, exp, size, now()) : null;
        yield* dump(server.client.address, this.dumpOptions(batchSize, opts.signal), make, dedup.onMode);
      } catch (err) {
        if (opts.signal?.aborted) return;
        failures.push(messageOf(err));
      }
    }
    // The reachable servers were all walked; a purge must still learn that some keys could not be.
    if (failures.length > 0) throw new MemcachedError(`${failures.length} server(s) could not be listed: ${failures.join("; ")}`);
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
    const servers: ServerStats[] = await Promise.all(
      this.servers.map(async (s) => {
        try {
          // Pipelined on one connection: four requests, one round trip.
          const [general, slabs, items, settings] = await Promise.all([
            s.client.stats(),
            s.client.stats("slabs"),
            s.client.stats("items"),
            s.client.stats("settings"),
          ]);
          return serverStats(s.label, general, slabs, items, settings);
        } catch (err) {
          return downServerStats(s.label, messageOf(err));
        }
      }),
    );
    return { at: Date.now(), supported: true, serverWide: true, servers };
  }

  /** The companion writes to the first server of LOCATION, whatever the pool's hashing would pick. */
  async readCounterBuckets(alias: string, buckets: number[]): Promise<Map<number, CounterBucketRead>> {
    return readMemcachedBuckets(this.servers[0].client, alias, buckets);
  }

  async close(): Promise<void> {
    this.snapshots.clear();
    for (const s of this.servers) s.client.close();
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

  /** serverNow: the current time in the server's clock (unix seconds). */
  private row(server: Server, key: string, exp: number, size: number, serverNow: number): KeyRow {
    const row: KeyRow = { raw: key, server: server.label, ttl: null, size, type: "item" };
    if (exp !== -1) {
      const ttl = Math.round(exp - serverNow);
      row.ttl = Math.max(0, ttl);
      if (ttl <= 0) row.expired = true;
    }
    return row;
  }
}

/** SASL-authenticated servers speak only the binary protocol: they get the memjs variant (no listing). */
export function createMemcachedBackend(config: CacheConfig): CacheBackend {
  const credentials = saslCredentials(config);
  return credentials ? createSaslMemcachedBackend(config, credentials) : new MemcachedBackend(config);
}
