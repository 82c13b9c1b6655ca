import type {
  BackendStatus,
  CacheBackend,
  Capabilities,
  ColdBasis,
  CounterBucketRead,
  RedisServerHealth,
  EntryRef,
  IterateOptions,
  KeyPage,
  KeyRow,
  KeySample,
  ListOptions,
  RawEntry,
  SampleOptions,
  ProbeClient,
  StatsSnapshot,
} from "../types";
import type { DecodeHint } from "@/lib/codecs/types";
import { downServerStats } from "../server-stats";
import { connectionOf } from "@/lib/config/connection";
import type { CacheConfig } from "@/lib/config/types";
import type Redis from "ioredis";
import { BackendError } from "../errors";
import { RedisConnection, type NodeConnection } from "./connection";
import { PrimaryMoved } from "./failover";
import { SentinelConnection } from "./sentinel-connection";
import { toBackendError } from "./errors";
import { redisDecodeHint } from "./hint";
import { infoToStats } from "./info";
import { parseRedisLocation, type RedisTarget } from "./location";
import { MAX_SCAN_COUNT, MetaFetcher, firstScanCount, isScriptRefusal, keyText, nextScanCount, scanOnce } from "./scan";
import { SIZED_SCAN_COUNT, SizedScanner, type AccessMode } from "./sized-scan";
import { downHealth, redisServerHealth } from "./health";
import { accessOf, coldBasisOf } from "./access";
import { pageStep } from "./page-scan";
import { randomSample } from "./sample";
import { readRedisEntry } from "./read-entry";
import { readRedisBuckets } from "./counter-buckets";
import { redisProbeClient } from "./probe";

/**
 * One Redis node: the backend of a standalone or sentinel alias, and of each shard of a sharded one (topology.ts).
 *
 * Only the first LOCATION is used: both write every key to server 0 and treat the others as read replicas
 * (Django reads from a random other server, django-redis likewise), so server 0 holds the truth and deletes must
 * go there; a delete on a replica would fail (READONLY) or be undone by replication.
 */

const CAPABILITIES: Capabilities = { listKeys: true, invalidatePrefix: true, serverStats: true, ttl: true, sizes: true };

/** One listKeys call stops after this many SCAN calls or this long, and hands back its cursor for the rest. */
const LIST_MAX_SCAN_CALLS = 50;
const LIST_BUDGET_MS = 150;
/** iterate() hands over what it has at least this often, so progress and cancellation stay live on sparse prefixes. */
const ITERATE_FLUSH_MS = 250;
/** Keys per UNLINK/DEL call: bounds each command's work on the server. */
const DELETE_BATCH = 500;

/** A purge walk that meets this many failovers in a row gives up with the last error instead of starting over again. */
const MAX_WALK_RESTARTS = 3;

/** A connection to the node's primary: through the sentinels where the LOCATION names them. */
function nodeConnection(target: RedisTarget): NodeConnection {
  return target.sentinels ? new SentinelConnection(target) : new RedisConnection(target);
}

/** Keeps a walk's SCAN calls on the server of its first call: a call that would run elsewhere throws PrimaryMoved. */
function sameServer(label: string): <T>(epoch: number, fn: () => Promise<T>) => Promise<T> {
  let first: number | null = null;
  return (epoch, fn) => {
    first ??= epoch;
    if (epoch !== first) return Promise.reject(new PrimaryMoved(label));
    return fn();
  };
}

function clampInt(value: number, min: number, max: number, what: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${what} must be a number`);
  return Math.min(max, Math.max(min, Math.floor(value)));
}

function validCursor(cursor: string | null): string {
  if (cursor === null || cursor === "") return "0";
  if (!/^\d{1,20}$/.test(cursor)) throw new BackendError("invalid_cursor", `bad cursor "${cursor}": not one this listing gave out`);
  return cursor;
}

/** A LOCATION as shown in messages: "redis://user:pw@host" loses its user and password. */
function withoutCredentials(text: string): string {
  return text.replace(/(\w+:\/\/)[^@/\s"]*@/g, "$1");
}

class RedisNodeBackend implements CacheBackend {
  readonly capabilities = CAPABILITIES;
  private readonly conn: NodeConnection | null;
  /**
   * A second connection for the long walks (analyses, purges: iterate() and the deletes of listed rows). Redis answers
   * one connection's commands in order, so on a shared one a page of keys would queue behind every step a job has
   * already sent; on its own it waits at most for the one command running (bench/load.ts). Opened on first use.
   */
  private readonly bulk: NodeConnection | null;
  private readonly configError: BackendError | null;
  private readonly hint: DecodeHint;
  /** Learnt on the first delete: servers before Redis 4 have no UNLINK. */
  private unlinkMissing = false;
  private readonly meta = new MetaFetcher();
  private readonly sized = new SizedScanner();
  /** Learnt on the first sized walk: the server refuses scripts, so sizes come from SCAN + pipelined metadata. */
  private sizedRefused = false;
  /** Learnt on the first page: the server refuses scripts, so pages come from SCAN + pipelined metadata. */
  private pageRefused = false;

  constructor(readonly config: CacheConfig) {
    this.hint = redisDecodeHint(config);
    let target: RedisTarget | null = null;
    let configError: BackendError | null = null;
    try {
      // The real LOCATION and OPTIONS (with their passwords) go to the connection only.
      const real = connectionOf(config);
      const location = real.locations[0];
      if (location === undefined) throw new Error("LOCATION is empty");
      target = parseRedisLocation(location, real.options);
    } catch (err) {
      // Kept, not thrown: the console still lists the alias and shows why it cannot be inspected.
      const message = err instanceof Error ? err.message : String(err);
      configError = new BackendError("config", withoutCredentials(message), withoutCredentials(config.locations[0] ?? ""));
    }
    this.conn = target ? nodeConnection(target) : null;
    this.bulk = target ? nodeConnection(target) : null;
    this.configError = configError;
  }

  private get server(): string {
    return this.conn?.target.label ?? withoutCredentials(this.config.locations[0] ?? "");
  }

  private connection(): NodeConnection {
    if (!this.conn) throw this.configError ?? new BackendError("config", "no usable LOCATION");
    return this.conn;
  }

  private bulkConnection(): NodeConnection {
    if (!this.bulk) throw this.configError ?? new BackendError("config", "no usable LOCATION");
    return this.bulk;
  }

  async status(): Promise<BackendStatus> {
    const server = this.server;
    try {
      const started = performance.now();
      await this.connection().run((c) => c.ping());
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      return { ok: true, latencyMs, servers: [{ server, ok: true, latencyMs }] };
    } catch (err) {
      const error = toBackendError(err, server).message;
      return { ok: false, error, servers: [{ server, ok: false, error }] };
    }
  }

  async listKeys(opts: ListOptions): Promise<KeyPage> {
    const wanted = clampInt(opts.count, 1, MAX_SCAN_COUNT, "count");
    const cursor = validCursor(opts.cursor);
    const conn = this.connection();
    return conn.run(async (client) => {
      if (!this.pageRefused) {
        try {
          return await this.pageByScript(client, conn.target.label, opts, wanted, cursor);
        } catch (err) {
          if (!isScriptRefusal(err)) throw err;
          this.pageRefused = true;
        }
      }
      return this.pageByScan(client, conn.target.label, opts, wanted, cursor);
    });
  }

  /** The page by page-scan.ts's script: usually one call, the walk and the metadata on the server. */
  private async pageByScript(client: Redis, label: string, opts: ListOptions, wanted: number, from: string): Promise<KeyPage> {
    const deadline = performance.now() + LIST_BUDGET_MS;
    const rows: KeyRow[] = [];
    let cursor = from;
    let found = 0;
    let scanned = 0;
    for (let calls = 1; ; calls++) {
      const step = await pageStep(client, cursor, opts.prefix, wanted - found, opts.withMeta, label);
      scanned += step.walked;
      cursor = step.cursor;
      if (step.rows) {
        found += step.rows.length;
        for (const row of step.rows) rows.push(row);
      } else {
        // Every name of every call is kept, surplus included: the cursor has moved past them.
        found += step.keys.length;
        const more = opts.withMeta ? await this.meta.rows(client, step.keys, label) : step.keys.map((k) => this.bareRow(k));
        for (const row of more) rows.push(row);
      }
      if (cursor === "0" || found >= wanted) break;
      if (calls >= LIST_MAX_SCAN_CALLS || performance.now() >= deadline) break;
    }
    return { keys: rows, cursor: cursor === "0" ? null : cursor, scanned };
  }

  /** The page by plain SCAN calls and pipelined metadata: for servers that refuse scripts. */
  private async pageByScan(client: Redis, label: string, opts: ListOptions, wanted: number, from: string): Promise<KeyPage> {
    const deadline = performance.now() + LIST_BUDGET_MS;
    const keys: Buffer[] = [];
    let cursor = from;
    let count = firstScanCount(opts.prefix, wanted);
    let scanned = 0;
    for (let calls = 1; ; calls++) {
      const step = await scanOnce(client, cursor, opts.prefix, count);
      // Every name of every call is kept, surplus included: the cursor has moved past them.
      keys.push(...step.keys);
      // SCAN reports no exact count of keys visited; COUNT is the server's own measure of the work asked.
      scanned += count;
      cursor = step.cursor;
      if (cursor === "0" || keys.length >= wanted) break;
      if (calls >= LIST_MAX_SCAN_CALLS || performance.now() >= deadline) break;
      count = nextScanCount(scanned, keys.length, count, wanted - keys.length);
    }
    const rows = opts.withMeta ? await this.meta.rows(client, keys, label) : keys.map((k) => this.bareRow(k));
    return { keys: rows, cursor: cursor === "0" ? null : cursor, scanned };
  }

  private bareRow(key: Buffer): KeyRow {
    return { raw: keyText(key), server: this.server };
  }

  async readEntry(ref: EntryRef, maxBytes: number): Promise<RawEntry | null> {
    if (!("raw" in ref)) return null;
    const limit = clampInt(maxBytes, 1, 512 * 1024 * 1024, "maxBytes");
    return this.connection().run((client) => readRedisEntry(client, ref.raw, limit, this.hint, "node"));
  }

  async deleteEntries(refs: EntryRef[]): Promise<number> {
    const keys = refs.flatMap((ref) => ("raw" in ref ? [ref.raw] : []));
    return this.deleteKeys(this.connection(), keys);
  }

  /** Rows a walk listed: a purge's batches, on the walk's connection. */
  async deleteListed(rows: KeyRow[]): Promise<number> {
    const keys = rows.flatMap((row) => (row.raw === null ? [] : [row.raw]));
    return this.deleteKeys(this.bulkConnection(), keys);
  }

  private async deleteKeys(conn: NodeConnection, keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    let deleted = 0;
    // One call per batch: after a failover the batch that failed is made again on the new primary, not the ones before.
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      deleted += await conn.run((client) => this.unlink(client, batch));
    }
    return deleted;
  }

  /** UNLINK frees big values off the main thread; DEL where the server predates it. */
  private async unlink(client: Redis, keys: string[]): Promise<number> {
    if (!this.unlinkMissing) {
      try {
        return await client.unlink(...keys);
      } catch (err) {
        if (!(err instanceof Error) || !/unknown command/i.test(err.message)) throw err;
        this.unlinkMissing = true;
      }
    }
    return client.del(...keys);
  }

  async *iterate(opts: IterateOptions): AsyncIterable<KeyRow[]> {
    for (let restarts = 0; ; restarts++) {
      try {
        yield* this.walk(opts);
        return;
      } catch (err) {
        // A SCAN cursor means nothing to another server: the walk starts over on the new primary, where the keys
        // already deleted are gone (a purge), or the caller is told (an analysis would count keys twice).
        const failover = err instanceof BackendError && err.code === "reconnecting";
        if (!(failover && opts.restartOnFailover && restarts < MAX_WALK_RESTARTS)) throw err;
      }
    }
  }

  private async *walk(opts: IterateOptions): AsyncIterable<KeyRow[]> {
    if (opts.withSizes && !this.sizedRefused) {
      let yielded = false;
      try {
        for await (const rows of this.iterateSized(opts)) {
          yielded = true;
          yield rows;
        }
        return;
      } catch (err) {
        if (yielded || !isScriptRefusal(err)) throw err;
        this.sizedRefused = true;
      }
    }
    yield* this.iterateScan(opts);
  }

  /** SCAN and sizes in one script call per step (redis/sized-scan.ts); the next step runs while the caller works. */
  private async *iterateSized(opts: IterateOptions): AsyncIterable<KeyRow[]> {
    const batch = clampInt(opts.batch, 1, MAX_SCAN_COUNT, "batch");
    const { prefix, signal } = opts;
    const conn = this.bulkConnection();
    const label = conn.target.label;
    const onOneServer = sameServer(label);
    const access: AccessMode = opts.withAccess ? (await conn.run(accessOf)).mode : null;
    const step = (cursor: string) => {
      const next = conn.run((c, epoch) => onOneServer(epoch, () => this.sized.step(c, cursor, prefix, label, !opts.sizesOnly, access)));
      next.catch(() => undefined);
      return next;
    };
    let next: ReturnType<typeof step> | null = step("0");
    let pending: KeyRow[] = [];
    let lastFlush = performance.now();
    while (next) {
      const done: Awaited<ReturnType<typeof step>> = await next;
      signal?.throwIfAborted();
      opts.onScanned?.(SIZED_SCAN_COUNT);
      next = done.cursor === "0" ? null : step(done.cursor);
      for (const row of done.rows) pending.push(row);
      const due = pending.length >= batch || next === null || performance.now() - lastFlush >= ITERATE_FLUSH_MS;
      if (!due || pending.length === 0) continue;
      const rows = pending;
      pending = [];
      lastFlush = performance.now();
      yield rows;
      signal?.throwIfAborted();
    }
  }

  private async *iterateScan(opts: IterateOptions): AsyncIterable<KeyRow[]> {
    const batch = clampInt(opts.batch, 1, MAX_SCAN_COUNT, "batch");
    const { prefix, withSizes, signal } = opts;
    const conn = this.bulkConnection();
    const onOneServer = sameServer(conn.target.label);
    const access: AccessMode = withSizes && opts.withAccess ? (await conn.run(accessOf)).mode : null;
    const scan = (cursor: string) => {
      const step = conn.run((c, epoch) => onOneServer(epoch, () => scanOnce(c, cursor, prefix, batch)));
      // The next SCAN runs while the caller works on the last batch; if the caller stops early, nobody awaits it.
      step.catch(() => undefined);
      return step;
    };
    let next: ReturnType<typeof scan> | null = scan("0");
    let pending: Buffer[] = [];
    let lastFlush = performance.now();
    while (next) {
      const step: Awaited<ReturnType<typeof scan>> = await next;
      signal?.throwIfAborted();
      // SCAN reports no count of keys visited; COUNT is the server's own measure of the work asked (as in listKeys).
      opts.onScanned?.(batch);
      pending.push(...step.keys);
      const ended = step.cursor === "0";
      next = ended ? null : scan(step.cursor);
      const due = pending.length >= batch || ended || performance.now() - lastFlush >= ITERATE_FLUSH_MS;
      if (!due || pending.length === 0) continue;
      const keys = pending;
      pending = [];
      lastFlush = performance.now();
      if (!withSizes) {
        yield keys.map((k) => this.bareRow(k));
      } else {
        const rows = await conn.run((c) => this.meta.rows(c, keys, conn.target.label));
        if (access) await conn.run((c) => addAccess(c, rows, access));
        yield rows;
      }
      signal?.throwIfAborted();
    }
  }

  async serverHealth(): Promise<RedisServerHealth[]> {
    try {
      const conn = this.connection();
      return [await conn.run((c) => redisServerHealth(c, conn.target.label, this.config.keyPrefix))];
    } catch (err) {
      return [downHealth(this.server, toBackendError(err, this.server).message)];
    }
  }

  /** OBJECT IDLETIME or OBJECT FREQ by the eviction policy, or why neither can be read (redis/access.ts). */
  async coldBasis(): Promise<ColdBasis> {
    const conn = this.connection();
    return coldBasisOf(await conn.run(accessOf), conn.target.label);
  }

  async sample(opts: SampleOptions): Promise<KeySample> {
    const conn = this.connection();
    return conn.run((c) => randomSample(c, this.meta, conn.target.label, opts));
  }

  async stats(): Promise<StatsSnapshot> {
    const server = this.server;
    const at = Date.now();
    try {
      const conn = this.connection();
      const text = await conn.run((c) => c.info());
      return { at, supported: true, serverWide: true, servers: [infoToStats(server, text, conn.target.db)] };
    } catch (err) {
      const error = toBackendError(err, server).message;
      return {
        at,
        supported: true,
        serverWide: true,
        servers: [downServerStats(server, error)],
      };
    }
  }

  async readCounterBuckets(alias: string, buckets: number[]): Promise<Map<number, CounterBucketRead>> {
    return this.connection().run((c) => readRedisBuckets(c, alias, buckets));
  }

  openProbeClient(): ProbeClient {
    return redisProbeClient(this.connection().target);
  }

  async close(): Promise<void> {
    await Promise.all([this.conn?.close(), this.bulk?.close()]);
  }
}

/** OBJECT IDLETIME or FREQ for rows walked without the sized script (a server that refuses scripts), pipelined. */
async function addAccess(client: Redis, rows: KeyRow[], access: "idle" | "freq"): Promise<void> {
  const pipeline = client.pipeline();
  for (const row of rows) if (row.raw !== null) pipeline.call("OBJECT", access === "idle" ? "IDLETIME" : "FREQ", row.raw);
  const replies = (await pipeline.exec()) ?? [];
  let i = 0;
  for (const row of rows) {
    if (row.raw === null) continue;
    const [err, value] = replies[i++] ?? [null, null];
    if (err || typeof value !== "number") continue;
    if (access === "idle") row.idle = value;
    else row.freq = value;
  }
}

export function createRedisNode(config: CacheConfig): CacheBackend {
  return new RedisNodeBackend(config);
}
