import type { CacheConfig } from "@/lib/config/types";
import { BackendError } from "../errors";
import { cullSettings } from "../filebased/location";
import type {
  BackendStatus,
  CacheBackend,
  Capabilities,
  EntryLimits,
  EntryRef,
  HealthReport,
  IterateOptions,
  KeyPage,
  KeyRow,
  ListOptions,
  RawEntry,
  StatsSnapshot,
} from "../types";
import { openSql, type Sql } from "./driver";
import { shapeError, toBackendError } from "./errors";
import { databaseHealth } from "./health";
import { decodeCursor, encodeCursor, likePrefix } from "./keyset";
import { databaseSettings, type DatabaseSettings } from "./settings";

const CAPABILITIES: Capabilities = {
  listKeys: true,
  invalidatePrefix: true,
  serverStats: false,
  ttl: true,
  sizes: true,
};

export const NO_COUNTERS =
  "DatabaseCache keeps no hit/miss counters: the database only holds the rows. The Django companion (cachescope_django) " +
  "counts every cache call in Django and supplies this cache's hit ratios on the Namespaces tab.";

/** Rows per listing query at most: one page or one iterate batch. */
const MAX_BATCH = 10_000;
/**
 * Rows per iterate query at least: each query walks the primary-key index from its cursor, so a walk of small batches
 * pays a round trip and a plan per thousand rows (measured on 300k rows: batches of 1000 took 1.5-1.7x as long as 5000).
 */
const MIN_WALK_BATCH = 5_000;

interface Row {
  cache_key: string;
  ttl: number | null;
  never: boolean | number;
  expired: boolean | number;
  size?: number;
  head?: string;
}

/** Django writes datetime.max (9999-12-31) for "never expires". */
const NEVER = "expires >= '9999-01-01'";

/** Django's django.core.cache.backends.db.DatabaseCache: the rows of the table createcachetable made (LOCATION). */
export function createDatabaseBackend(config: CacheConfig): CacheBackend {
  let settings: DatabaseSettings | null = null;
  let sql: Sql | null = null;
  let checked: Promise<void> | null = null;

  /** The pool, opened on first use; a configuration it cannot use is a config BackendError on every call. */
  const db = (): { s: DatabaseSettings; sql: Sql } => {
    settings ??= databaseSettings(config);
    sql ??= openSql(settings);
    return { s: settings, sql };
  };

  /** Runs `work` with the table's shape checked once (again after any failure), every error a BackendError. */
  const withTable = async <T>(work: (sql: Sql, s: DatabaseSettings) => Promise<T>): Promise<T> => {
    const { s, sql } = db();
    try {
      checked ??= checkShape(sql, s);
      await checked;
      return await work(sql, s);
    } catch (err) {
      checked = null;
      throw toBackendError(err, s);
    }
  };

  const columns = (sql: Sql, withSize: boolean, head?: number) =>
    `cache_key, ${sql.ttl} AS ttl, ${NEVER} AS never, expires < ${sql.now} AS expired` +
    (withSize ? `, ${sql.length} AS size` : "") +
    (head !== undefined ? `, substr(value, 1, ${head}) AS head` : "");

  /** One keyset page: keys after `after` under `prefix`, in primary-key order (never OFFSET). */
  const page = (sql: Sql, prefix: string, after: string | null, limit: number, withSize: boolean): Promise<Row[]> => {
    if (!storable(prefix)) return Promise.resolve([]);
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return sql.p(params.length);
    };
    if (after !== null) where.push(`cache_key > ${param(after)}`);
    if (prefix !== "") {
      const pattern = likePrefix(prefix);
      where.push(`cache_key LIKE ${param(pattern)}`);
      if (sql.caseFolds) where.push(`BINARY cache_key LIKE ${param(pattern)}`);
    }
    return sql.rows<Row>(
      `SELECT ${columns(sql, withSize)} FROM ${sql.table}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ` +
        `ORDER BY cache_key LIMIT ${limit}`,
      params,
    );
  };

  const keyIn = (sql: Sql, keys: string[], params: unknown[]): string => {
    const list = (): string => keys.map((k) => (params.push(k), sql.p(params.length))).join(", ");
    const exact = list();
    return sql.caseFolds ? `cache_key IN (${exact}) AND BINARY cache_key IN (${list()})` : `cache_key IN (${exact})`;
  };

  const deleteKeys = async (given: string[], onlyExpired: boolean): Promise<number> => {
    const keys = given.filter(storable);
    if (keys.length === 0) return 0;
    return withTable(async (sql) => {
      const params: unknown[] = [];
      // A row listed as expired stands for that expired row only: one Django wrote afresh since stays.
      const cond = keyIn(sql, keys, params) + (onlyExpired ? ` AND expires < ${sql.now}` : "");
      return sql.run(`DELETE FROM ${sql.table} WHERE ${cond}`, params);
    });
  };

  const deleteEntries = async (refs: EntryRef[]): Promise<number> => {
    const keys = refs.map((ref) => {
      if (!("raw" in ref) || typeof ref.raw !== "string")
        throw new BackendError("invalid_key", "A DatabaseCache entry is named by its key (raw).");
      return ref.raw;
    });
    return deleteKeys(keys, false);
  };

  return {
    config,
    capabilities: CAPABILITIES,

    async status(): Promise<BackendStatus> {
      const started = performance.now();
      try {
        await withTable(async (sql) => sql.rows(`SELECT 1 AS one FROM ${sql.table} WHERE 1 = 0`));
        return { ok: true, latencyMs: performance.now() - started };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },

    async listKeys(opts: ListOptions): Promise<KeyPage> {
      const after = opts.cursor === null ? null : decodeCursor(opts.cursor);
      const limit = Math.max(1, Math.min(MAX_BATCH, Math.floor(opts.count) || 1));
      const rows = await withTable((sql) => page(sql, opts.prefix, after, limit, opts.withMeta));
      const keys = rows.map((r) => rowOf(r, opts.withMeta));
      const last = rows.at(-1);
      return { keys, cursor: rows.length === limit && last ? encodeCursor(last.cache_key) : null, scanned: rows.length };
    },

    async readEntry(ref: EntryRef, maxBytes: number): Promise<RawEntry | null> {
      if (!("raw" in ref) || typeof ref.raw !== "string")
        throw new BackendError("invalid_key", "A DatabaseCache entry is named by its key (raw).");
      const raw = ref.raw;
      if (!storable(raw)) return null;
      const head = Math.max(1, Math.min(256 * 1024 * 1024, Math.floor(maxBytes) || 1));
      const [row] = await withTable((sql) => {
        const params: unknown[] = [];
        return sql.rows<Row>(`SELECT ${columns(sql, true, head)} FROM ${sql.table} WHERE ${keyIn(sql, [raw], params)}`, params);
      });
      if (!row) return null;
      const out = rowOf(row, true);
      const notes = out.expired
        ? ["Expired: Django's get() treats this row as a miss and deletes it; the table keeps it until then or until a cull."]
        : [];
      return {
        raw: row.cache_key,
        type: "row",
        ttl: out.ttl ?? null,
        size: out.size ?? null,
        bytes: Buffer.from(row.head ?? "", "latin1"),
        valueLength: out.size ?? undefined,
        hint: { source: "database" },
        ...(notes.length > 0 ? { notes } : {}),
      };
    },

    deleteEntries,

    async deleteListed(rows: KeyRow[]): Promise<number> {
      const named = (r: KeyRow): string => {
        if (typeof r.raw !== "string") throw new BackendError("invalid_input", "A listed DatabaseCache row carries its key.");
        return r.raw;
      };
      const expired = rows.filter((r) => r.expired === true).map(named);
      const others = rows.filter((r) => r.expired !== true).map(named);
      return (await deleteKeys(expired, true)) + (await deleteKeys(others, false));
    },

    async *iterate(opts: IterateOptions): AsyncIterable<KeyRow[]> {
      const batch = Math.max(MIN_WALK_BATCH, Math.min(MAX_BATCH, Math.floor(opts.batch) || 1));
      const fetch = (after: string | null) => withTable((sql) => page(sql, opts.prefix, after, batch, opts.withSizes));
      // The next page is asked for while the caller works on this one (deletes it, folds it into an analysis).
      let next: Promise<Row[]> | null = fetch(null);
      while (next !== null) {
        const rows: Row[] = await next;
        if (opts.signal?.aborted) return;
        const last = rows.at(-1);
        next = rows.length === batch && last ? fetch(last.cache_key) : null;
        // A prefetch nobody awaits (the walk was stopped) must not surface as an unhandled rejection.
        next?.catch(() => undefined);
        opts.onScanned?.(rows.length);
        if (rows.length > 0) yield rows.map((r) => rowOf(r, opts.withSizes));
      }
    },

    async stats(): Promise<StatsSnapshot> {
      return { at: Date.now(), supported: false, reason: NO_COUNTERS, serverWide: false, servers: [] };
    },

    async limits(): Promise<EntryLimits> {
      const rows = await withTable((sql) => sql.rows<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${sql.table}`));
      return { ...cullSettings(config), entries: Number(rows[0]?.n ?? 0) };
    },

    async health(): Promise<HealthReport> {
      return withTable((sql) => databaseHealth(sql, cullSettings(config)));
    },

    async close(): Promise<void> {
      const open = sql;
      sql = null;
      checked = null;
      await open?.close().catch(() => undefined);
    },
  };
}

/** A key no row can have (a NUL byte, which PostgreSQL text refuses outright) is absent, not a server error. */
function storable(key: string): boolean {
  return !key.includes("\0");
}

function truthy(v: boolean | number | null | undefined): boolean {
  return v === true || v === 1;
}

function rowOf(r: Row, withMeta: boolean): KeyRow {
  const never = truthy(r.never);
  const expired = truthy(r.expired);
  // The expiry comes with every row (the expired-rows purge needs it); the value's length only when asked for.
  const row: KeyRow = { raw: r.cache_key, type: "row", expired, ttl: never ? null : Math.max(0, Math.round(Number(r.ttl))) };
  if (withMeta) row.size = r.size === undefined ? null : Number(r.size);
  return row;
}

/**
 * The table must be the one createcachetable makes: cache_key, value and a date-time expires (no row is read). A missing
 * table or column answers with the driver's code, which errors.ts turns into a clear message.
 */
async function checkShape(sql: Sql, s: DatabaseSettings): Promise<void> {
  await sql.rows(`SELECT cache_key, value, expires FROM ${sql.table} WHERE 1 = 0`);
  await sql.rows(`SELECT ${sql.ttl} AS ttl FROM ${sql.table} WHERE 1 = 0`).catch((err: unknown) => {
    throw shapeError(s, `its expires column is not a date and time (${err instanceof Error ? err.message : String(err)})`);
  });
}
