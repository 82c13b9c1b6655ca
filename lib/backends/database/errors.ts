import { BackendError } from "../errors";
import type { DatabaseSettings } from "./settings";

/** Sorts what pg or mysql2 (or the socket under them) threw into the backend error codes. */

const NETWORK: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ENOENT: "no such socket file",
  EACCES: "permission denied on the socket",
  ETIMEDOUT: "connect timed out",
  EPIPE: "connection closed",
  PROTOCOL_CONNECTION_LOST: "connection lost",
  // PostgreSQL: the server is shutting down or starting up.
  "57P01": "the server is shutting down",
  "57P02": "the server is shutting down",
  "57P03": "the server is not accepting connections yet",
};

const AUTH = new Set(["28P01", "28000", "ER_ACCESS_DENIED_ERROR", "ER_DBACCESS_DENIED_ERROR", "ER_TABLEACCESS_DENIED_ERROR", "42501"]);
const NO_DATABASE = new Set(["3D000", "ER_BAD_DB_ERROR"]);
const NO_TABLE = new Set(["42P01", "ER_NO_SUCH_TABLE"]);
const NO_COLUMN = new Set(["42703", "ER_BAD_FIELD_ERROR"]);
const TIMEOUT = new Set(["57014", "PROTOCOL_SEQUENCE_TIMEOUT", "ER_STATEMENT_TIMEOUT", "ER_QUERY_TIMEOUT"]);

function codeOf(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && code !== "") return code;
  // Node's happy-eyeballs connect (a host name with several addresses) throws an AggregateError of the attempts.
  const inner = (err as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.length > 0 ? codeOf(inner[0]) : undefined;
}

const VENDOR_NAME = { postgresql: "PostgreSQL", mysql: "MySQL" } as const;

export function toBackendError(err: unknown, s: Pick<DatabaseSettings, "vendor" | "server" | "table" | "database">): BackendError {
  if (err instanceof BackendError) return err;
  const message = err instanceof Error ? err.message || err.name : String(err);
  const code = codeOf(err);
  const who = `${VENDOR_NAME[s.vendor]} ${s.server}`;
  const network = code ? NETWORK[code] : undefined;
  if (network) return new BackendError("unreachable", `${who} unreachable: ${network}`, s.server);
  if (
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return new BackendError("unreachable", `${who} unreachable: ${message}`, s.server);
  }
  if (code && AUTH.has(code)) return new BackendError("auth", `${who}: access denied: ${message}`, s.server);
  if (code && NO_DATABASE.has(code)) return new BackendError("config", `${who}: database "${s.database}" does not exist`, s.server);
  if (code && NO_TABLE.has(code)) {
    return new BackendError(
      "config",
      `${who}: the cache table "${s.table}" does not exist: run Django's "manage.py createcachetable" (LOCATION names the table)`,
      s.server,
    );
  }
  if (code && NO_COLUMN.has(code)) return shapeError(s, message);
  if (code && TIMEOUT.has(code)) return new BackendError("timeout", `${who}: the query ran out of time (${message})`, s.server);
  return new BackendError("server", `${who}: ${message}`, s.server);
}

/** A table under the LOCATION's name that createcachetable did not make. */
export function shapeError(s: Pick<DatabaseSettings, "vendor" | "server" | "table">, detail: string): BackendError {
  return new BackendError(
    "config",
    `${VENDOR_NAME[s.vendor]} ${s.server}: the table "${s.table}" is not a Django cache table ` +
      `(createcachetable makes cache_key, value and expires): ${detail}`,
    s.server,
  );
}
