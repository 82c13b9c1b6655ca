import mysql from "mysql2/promise";
import pg from "pg";
import type { DatabaseSettings, Vendor } from "./settings";

/**
 * One connection pool to the database a DatabaseCache lives in, and the few SQL pieces that differ between PostgreSQL
 * and MySQL/MariaDB. Every statement runs on its own (autocommit): a delete batch is its own short transaction.
 */
export interface Sql {
  readonly vendor: Vendor;
  /** The cache table, quoted for this database. */
  readonly table: string;
  /** Placeholder of the n-th parameter (1-based). MySQL's are positional: parameters are always given in order. */
  p(n: number): string;
  /** Seconds from the server's now to `expires` (negative once expired): the server's clock, as Django's get() sees it. */
  readonly ttl: string;
  /** The time Django compares `expires` with. */
  readonly now: string;
  /** The stored value's length in bytes. */
  readonly length: string;
  /**
   * Keys compare in a collation that folds case (MySQL's default): a key test in SQL then also needs a byte-exact one
   * (`BINARY cache_key ...`), or a prefix "A" would take "a…" too.
   */
  readonly caseFolds: boolean;
  /** The table's and its indexes' bytes and estimated rows, from the database's own statistics. */
  tableStats(): Promise<{ tableBytes: number | null; indexBytes: number | null; estimatedRows: number | null }>;
  version(): Promise<string>;
  rows<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement; the rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;
/** No statement of ours should take long: a runaway one is stopped by the server. */
const STATEMENT_TIMEOUT_MS = 60_000;
const POOL_SIZE = 4;

function postgres(s: DatabaseSettings): Sql {
  const pool = new pg.Pool({
    host: s.socket ?? s.host,
    port: s.port ?? 5432,
    database: s.database,
    user: s.user,
    password: s.password,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 10_000,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    application_name: "cachescope",
  });
  // An idle connection the server drops (restart, shutdown) must not crash the process: the next query reports it.
  pool.on("error", () => undefined);
  const table = `"${s.table.replace(/"/g, '""')}"`;
  return {
    vendor: "postgresql",
    table,
    p: (n) => `$${n}`,
    ttl: "extract(epoch from (expires - statement_timestamp()))::float8",
    now: "statement_timestamp()",
    length: "octet_length(value)",
    caseFolds: false,
    async tableStats() {
      const [row] = (
        await pool.query(
          "SELECT pg_table_size(c.oid)::float8 AS t, pg_indexes_size(c.oid)::float8 AS i, c.reltuples::float8 AS r FROM pg_class c WHERE c.oid = to_regclass($1)",
          [table],
        )
      ).rows as { t: number; i: number; r: number }[];
      return { tableBytes: row?.t ?? null, indexBytes: row?.i ?? null, estimatedRows: row && row.r >= 0 ? row.r : null };
    },
    async version() {
      const [row] = (await pool.query("SHOW server_version")).rows as { server_version: string }[];
      return `PostgreSQL ${row?.server_version ?? "?"}`;
    },
    async rows<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async run(sql, params = []) {
      return (await pool.query(sql, params)).rowCount ?? 0;
    },
    async close() {
      await pool.end();
    },
  };
}

function mariadb(s: DatabaseSettings): Sql {
  const pool = mysql.createPool({
    ...(s.socket ? { socketPath: s.socket } : { host: s.host, port: s.port ?? 3306 }),
    database: s.database,
    user: s.user,
    password: s.password,
    connectionLimit: POOL_SIZE,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Django (USE_TZ) stores UTC in DATETIME columns; the session compares in UTC too.
    timezone: "Z",
    dateStrings: true,
    decimalNumbers: true,
    supportBigNumbers: true,
    charset: "utf8mb4",
  });
  pool.on("connection", (conn) => {
    conn.on("error", () => undefined);
  });
  return {
    vendor: "mysql",
    table: `\`${s.table.replace(/`/g, "``")}\``,
    p: () => "?",
    ttl: "TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), expires) / 1000000",
    now: "UTC_TIMESTAMP(6)",
    length: "LENGTH(value)",
    caseFolds: true,
    async tableStats() {
      const [rows] = await pool.query(
        "SELECT DATA_LENGTH AS t, INDEX_LENGTH AS i, TABLE_ROWS AS r FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
        [s.table],
      );
      const row = (rows as { t: number | null; i: number | null; r: number | null }[])[0];
      return { tableBytes: row?.t ?? null, indexBytes: row?.i ?? null, estimatedRows: row?.r ?? null };
    },
    async version() {
      const [rows] = await pool.query("SELECT VERSION() AS v");
      const v = (rows as { v: string }[])[0]?.v ?? "?";
      return /mariadb/i.test(v) ? `MariaDB ${v}` : `MySQL ${v}`;
    },
    async rows<T>(sql: string, params: unknown[] = []) {
      const [rows] = await pool.query({ sql, timeout: STATEMENT_TIMEOUT_MS }, params);
      return rows as T[];
    },
    async run(sql, params = []) {
      const [result] = await pool.query({ sql, timeout: STATEMENT_TIMEOUT_MS }, params);
      return (result as mysql.ResultSetHeader).affectedRows;
    },
    async close() {
      await pool.end();
    },
  };
}

export function openSql(s: DatabaseSettings): Sql {
  return s.vendor === "postgresql" ? postgres(s) : mariadb(s);
}
