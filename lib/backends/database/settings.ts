import { connectionOf } from "@/lib/config/connection";
import type { CacheConfig } from "@/lib/config/types";
import { BackendError } from "../errors";

/**
 * Where a DatabaseCache's table lives: its DATABASES entry read the way Django's database backends read it. Built from
 * the real entry (connectionOf), so the password is only ever inside the returned object, which the driver takes.
 */

export type Vendor = "postgresql" | "mysql";

/** ENGINE dotted paths by vendor: Django's own and the common drop-in subclasses of them. */
const ENGINES: Record<string, Vendor> = {
  "django.db.backends.postgresql": "postgresql",
  "django.db.backends.postgresql_psycopg2": "postgresql",
  "django.contrib.gis.db.backends.postgis": "postgresql",
  "django.db.backends.mysql": "mysql",
  "django.contrib.gis.db.backends.mysql": "mysql",
};

const DEFAULT_SOCKET: Record<Vendor, string> = { postgresql: "/var/run/postgresql", mysql: "/run/mysqld/mysqld.sock" };

export const SQLITE_UNSUPPORTED =
  "SQLite is not supported yet: Node 20 has no built-in SQLite, and npm's SQLite drivers are native addons " +
  "(better-sqlite3 first tries a prebuilt binary from GitHub, then compiles with node-gyp, which needs a C++ toolchain). " +
  "That install path, and reading the file safely while Django writes it (busy timeout, short read transactions), " +
  "have not been built and verified. Use PostgreSQL or MySQL/MariaDB for DatabaseCache, or inspect this cache through Django.";

export interface DatabaseSettings {
  vendor: Vendor;
  host: string;
  port: number | undefined;
  /** A unix socket: a HOST starting with "/" (Django's convention for both vendors), or MySQL's OPTIONS unix_socket. */
  socket: string | undefined;
  database: string;
  user: string | undefined;
  password: string | undefined;
  /** The table: LOCATION, as createcachetable made it. */
  table: string;
  /** How the server is named in messages: "127.0.0.1:5432/shop" (no user, no password; errors add the vendor). */
  server: string;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The connection settings of an alias, or a config BackendError saying what is missing. */
export function databaseSettings(config: CacheConfig): DatabaseSettings {
  const { locations, database: entry } = connectionOf(config);
  const dbAlias = config.database?.alias ?? "default";
  if (!entry) {
    throw new BackendError(
      "config",
      `Cache "${config.alias}" is a DatabaseCache in database "${dbAlias}", but DATABASES has no "${dbAlias}": give Django's ` +
        `DATABASES as JSON in CACHESCOPE_DATABASES (or a "DATABASES" key in the CACHESCOPE_CONFIG file).`,
    );
  }
  const engine = typeof entry.ENGINE === "string" ? entry.ENGINE : "";
  if (engine === "django.db.backends.sqlite3" || engine === "django.contrib.gis.db.backends.spatialite") {
    throw new BackendError("config", SQLITE_UNSUPPORTED);
  }
  const vendor = ENGINES[engine];
  if (!vendor) {
    throw new BackendError(
      "config",
      `DATABASES["${dbAlias}"].ENGINE "${engine}" is not one Cachescope reads: django.db.backends.postgresql or django.db.backends.mysql.`,
    );
  }
  const table = locations[0];
  if (typeof table !== "string" || table === "" || table.length > 128 || /[\0]/.test(table)) {
    throw new BackendError("config", `Cache "${config.alias}": LOCATION must be the cache table's name (as createcachetable made it).`);
  }
  const options = typeof entry.OPTIONS === "object" && entry.OPTIONS !== null ? (entry.OPTIONS as Record<string, unknown>) : {};
  const rawHost = text(entry.HOST) ?? (vendor === "mysql" ? text(options.host) : undefined);
  // An empty HOST is the server's default unix socket for both drivers Django uses (libpq, mysqlclient).
  const socket = rawHost?.startsWith("/")
    ? rawHost
    : (text(options.unix_socket) ?? (rawHost === undefined ? DEFAULT_SOCKET[vendor] : undefined));
  const host = socket ? "" : (rawHost ?? "localhost");
  const portText = entry.PORT === undefined || entry.PORT === "" ? undefined : String(entry.PORT);
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new BackendError("config", `DATABASES["${dbAlias}"].PORT "${portText}" is not a port number.`);
  }
  const database = text(entry.NAME) ?? (vendor === "mysql" ? (text(options.db) ?? text(options.database)) : undefined);
  if (!database) throw new BackendError("config", `DATABASES["${dbAlias}"].NAME is missing: the database the cache table is in.`);
  const user = text(entry.USER) ?? (vendor === "mysql" ? text(options.user) : undefined);
  const password = text(entry.PASSWORD) ?? (vendor === "mysql" ? (text(options.password) ?? text(options.passwd)) : undefined);
  const where = socket ?? `${host}:${port ?? (vendor === "mysql" ? 3306 : 5432)}`;
  return { vendor, host, port, socket, database, user, password, table, server: `${where}/${database}` };
}
