/**
 * django-redis SentinelClient: OPTIONS SENTINELS [[host, port], ...] names the sentinels, and the LOCATION's host is
 * the service they are asked for; the connection goes to whichever server they name as its primary (connection.ts).
 */

type Options = Record<string, unknown>;

export interface SentinelTarget {
  sentinels: { host: string; port: number }[];
  /** The service name: the LOCATION's host. */
  sentinelName: string;
  /** OPTIONS SENTINEL_KWARGS password: the sentinels' own, not the primary's. */
  sentinelPassword?: string;
  label: string;
}

/** OPTIONS SENTINELS as django-redis takes it: a list of (host, port) pairs (lists in JSON). */
function sentinelsOf(options: Options): { host: string; port: number }[] | undefined {
  const value = options.SENTINELS;
  if (value === undefined || value === null) return undefined;
  const bad = () => new Error("OPTIONS SENTINELS must be a list of [host, port] pairs");
  if (!Array.isArray(value) || value.length === 0) throw bad();
  return value.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string") throw bad();
    const port = Number(pair[1]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad();
    return { host: pair[0], port };
  });
}

/** The sentinel part of a redis:// LOCATION, or null when OPTIONS names no sentinels. `shown` is the LOCATION masked. */
export function sentinelTargetOf(url: URL, shown: string, db: number, options: Options): SentinelTarget | null {
  const sentinels = sentinelsOf(options);
  if (!sentinels) return null;
  if (!url.hostname) throw new Error(`LOCATION "${shown}" names no sentinel service (redis://<service>/<db>)`);
  const kwargs = options.SENTINEL_KWARGS;
  const password = typeof kwargs === "object" && kwargs !== null ? (kwargs as Options).password : undefined;
  if (password !== undefined && typeof password !== "string") throw new Error("SENTINEL_KWARGS password must be a string");
  return {
    sentinels,
    sentinelName: url.hostname,
    ...(password ? { sentinelPassword: password } : {}),
    label: `sentinel:${url.hostname}/${db}`,
  };
}
