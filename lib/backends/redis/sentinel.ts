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

/** A server as the sentinels name it. */
export interface Address {
  host: string;
  port: number;
}

/** What one sentinel said: the primary it names and the config epoch of its view (-1 when it would not say). */
export interface SentinelView {
  sentinel: string;
  address: Address | null;
  epoch: number;
  error?: string;
}

const key = (a: Address) => `${a.host}:${a.port}`;

/**
 * The primaries the sentinels name, best first: a newer config epoch wins (a sentinel that has not yet heard of a
 * failover still names the old primary with the old epoch), then the address more sentinels name.
 */
export function primaryCandidates(views: SentinelView[]): Address[] {
  const named = new Map<string, { address: Address; epoch: number; votes: number }>();
  for (const view of views) {
    if (!view.address) continue;
    const seen = named.get(key(view.address));
    if (seen) {
      seen.votes++;
      seen.epoch = Math.max(seen.epoch, view.epoch);
    } else named.set(key(view.address), { address: view.address, epoch: view.epoch, votes: 1 });
  }
  return [...named.values()].sort((a, b) => b.epoch - a.epoch || b.votes - a.votes).map((n) => n.address);
}
