import type { HealthReport } from "../types";
import type { CullSettings } from "../filebased/location";
import type { Sql } from "./driver";

/**
 * What a DatabaseCache table looks like against its OPTIONS: rows vs MAX_ENTRIES, expired rows Django has not deleted
 * yet, and the table's and indexes' size from the database's own statistics.
 */

/** Rows past which the SELECT COUNT(*) Django runs on every set() becomes a cost worth saying. */
const COUNT_COST_ROWS = 100_000;

function bytes(n: number | null): string {
  if (n === null) return "unknown";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

export interface TableFacts {
  rows: number;
  expired: number;
  tableBytes: number | null;
  indexBytes: number | null;
  version: string;
}

export async function databaseHealth(sql: Sql, cull: CullSettings): Promise<HealthReport> {
  const [counts] = await sql.rows<{ n: number | string; e: number | string | null }>(
    `SELECT COUNT(*) AS n, SUM(CASE WHEN expires < ${sql.now} THEN 1 ELSE 0 END) AS e FROM ${sql.table}`,
  );
  const stats = await sql.tableStats();
  return healthReport(
    {
      rows: Number(counts?.n ?? 0),
      expired: Number(counts?.e ?? 0),
      tableBytes: stats.tableBytes,
      indexBytes: stats.indexBytes,
      version: await sql.version(),
    },
    cull,
  );
}

export function healthReport(t: TableFacts, cull: CullSettings): HealthReport {
  const full = t.rows > cull.maxEntries;
  const warnings: string[] = [];
  if (full) {
    warnings.push(
      `${t.rows} rows, over MAX_ENTRIES ${cull.maxEntries}: every set() first deletes the expired rows, then ` +
        (cull.cullFrequency === 0 ? "the whole table" : `1/${cull.cullFrequency} of the rows (the first by key)`) +
        ". Raise MAX_ENTRIES if entries vanish early.",
    );
  }
  if (t.expired > 0) {
    warnings.push(
      `${t.expired} expired rows not yet deleted: Django deletes an expired row when a get() reads it, and all of them ` +
        `only when a set() finds more than MAX_ENTRIES rows. Purge expired entries to reclaim the space.`,
    );
  }
  if (t.rows >= COUNT_COST_ROWS) {
    warnings.push(`Every set() runs SELECT COUNT(*) on this table: with ${t.rows} rows each write pays for counting them.`);
  }
  return {
    facts: [
      { label: "Rows", value: String(t.rows), warn: full },
      { label: "MAX_ENTRIES", value: String(cull.maxEntries) },
      { label: "CULL_FREQUENCY", value: cull.cullFrequency === 0 ? "0 (a cull empties the table)" : `1/${cull.cullFrequency}` },
      { label: "Expired rows not yet culled", value: String(t.expired), warn: t.expired > 0 },
      { label: "Table size", value: bytes(t.tableBytes) },
      { label: "Index size", value: bytes(t.indexBytes) },
      { label: "Server", value: t.version },
    ],
    warnings,
  };
}
