import { redactText } from "@/lib/config/secrets";
import { sentinelTargetOf, type SentinelTarget } from "./sentinel";

/**
 * Where and how to connect, read from a LOCATION URL and OPTIONS the way redis-py's `from_url` (used by both
 * Django's RedisCache and django-redis) reads them: what the URL says wins over OPTIONS.
 */

/** Where to connect; with the sentinel fields (sentinel.ts), the sentinels to ask for the primary. */
export interface RedisTarget extends Partial<SentinelTarget> {
  /** TCP host and port; absent for unix sockets. */
  host?: string;
  port?: number;
  /** Unix socket path. */
  path?: string;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** false when the config turned certificate checks off (ssl_cert_reqs None / "none"). */
  rejectUnauthorized: boolean;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Shown in messages and rows: never holds the password. */
  label: string;
}

/** A dashboard must fail fast: these apply when the config names no timeout. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

type Options = Record<string, unknown>;

function pick(options: Options, ...names: string[]): unknown {
  for (const name of names) if (options[name] !== undefined && options[name] !== null) return options[name];
  return undefined;
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new Error(`${what} must be a string`);
  return value;
}

function seconds(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) throw new Error(`${what} must be a positive number of seconds`);
  return Math.round(n * 1000);
}

function dbNumber(value: unknown, what: string): number {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new Error(`${what} must be a database number`);
  return n;
}

/** django-redis keeps redis-py pool kwargs in CONNECTION_POOL_KWARGS; Django's builtin puts them in OPTIONS itself. */
function poolKwargs(options: Options): Options {
  const nested = options.CONNECTION_POOL_KWARGS;
  return typeof nested === "object" && nested !== null && !Array.isArray(nested) ? { ...options, ...(nested as Options) } : options;
}

function certChecksOff(options: Options): boolean {
  const reqs = options.ssl_cert_reqs;
  return reqs === null || (typeof reqs === "string" && reqs.toLowerCase() === "none");
}

export function parseRedisLocation(location: string, options: Options = {}): RedisTarget {
  // Messages quote the LOCATION as it may be shown: its password masked.
  const shown = redactText(location);
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new Error(`LOCATION "${shown}" is not a redis://, rediss:// or unix:// URL`);
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (scheme !== "redis" && scheme !== "rediss" && scheme !== "unix") {
    throw new Error(`LOCATION scheme "${scheme}" is not supported (redis://, rediss://, unix://)`);
  }
  const kw = poolKwargs(options);
  const query = url.searchParams;

  const username = url.username
    ? decodeURIComponent(url.username)
    : optionalString(query.get("username") ?? pick(kw, "USERNAME", "username"), "username");
  const password = url.password
    ? decodeURIComponent(url.password)
    : optionalString(query.get("password") ?? pick(kw, "PASSWORD", "password"), "password");

  // redis-py: ?db= first, then the path of a redis:// URL, then the db option.
  let db = 0;
  const optionDb = pick(kw, "db", "DB");
  if (optionDb !== undefined) db = dbNumber(optionDb, "OPTIONS db");
  const pathDb = url.pathname.replace(/^\//, "");
  if (scheme !== "unix" && pathDb !== "") db = dbNumber(pathDb, `LOCATION "${shown}" database`);
  const queryDb = query.get("db");
  if (queryDb !== null) db = dbNumber(queryDb, `LOCATION "${shown}" ?db=`);

  const connectTimeoutMs =
    seconds(
      query.get("socket_connect_timeout") ?? pick(kw, "SOCKET_CONNECT_TIMEOUT", "socket_connect_timeout"),
      "SOCKET_CONNECT_TIMEOUT",
    ) ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const commandTimeoutMs =
    seconds(query.get("socket_timeout") ?? pick(kw, "SOCKET_TIMEOUT", "socket_timeout"), "SOCKET_TIMEOUT") ?? DEFAULT_COMMAND_TIMEOUT_MS;

  const common = {
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    rejectUnauthorized: !certChecksOff(kw) && query.get("ssl_cert_reqs")?.toLowerCase() !== "none",
    connectTimeoutMs,
    commandTimeoutMs,
  };

  if (scheme === "unix") {
    const path = decodeURIComponent(url.pathname);
    if (!path) throw new Error(`LOCATION "${shown}" names no socket path`);
    return { ...common, path, tls: false, label: `unix:${path}/${db}` };
  }
  const sentinel = sentinelTargetOf(url, shown, db, options);
  if (sentinel) return { ...common, tls: scheme === "rediss", ...sentinel };
  // URL keeps IPv6 hosts in brackets; the socket wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost";
  const port = url.port ? Number(url.port) : 6379;
  return { ...common, host, port, tls: scheme === "rediss", label: `${url.hostname || "localhost"}:${port}/${db}` };
}
