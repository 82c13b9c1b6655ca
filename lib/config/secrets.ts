/**
 * Secrets stay in the configuration layer. A parsed alias shows only redacted LOCATIONs and OPTIONS; the real ones
 * sit in a Secret that prints as "[redacted]" however it is serialised (JSON, String(), console.log), and only a
 * backend opening a connection reveals it (connectionOf). Every configured secret string is also remembered so that
 * text from elsewhere (a driver's error, a log line, an audit record) can be scrubbed of it (redactText).
 */

export const MASK = "***";
const SHOWN = "[redacted]";

/** A value that never prints: JSON, string conversion and util.inspect all give "[redacted]". */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return SHOWN;
  }

  toString(): string {
    return SHOWN;
  }

  // util.inspect's hook, by its registered symbol (this module is also bundled for the browser: no node:util).
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Secret(${SHOWN})`;
  }
}

/**
 * Shorter secrets are masked where they stand (URL, OPTIONS field) but not searched for in free text: a two-letter
 * password would otherwise erase those letters from every message.
 */
export const MIN_SEARCHED_LENGTH = 4;

const holder = globalThis as unknown as { __cachescopeSecrets?: { values: Set<string>; sorted: string[] | null } };

function registry() {
  holder.__cachescopeSecrets ??= { values: new Set(), sorted: null };
  return holder.__cachescopeSecrets;
}

/** Remembers a secret string (and its URL-encoded form) so redactText masks it wherever it appears. */
export function registerSecret(value: string): void {
  if (value.length < MIN_SEARCHED_LENGTH) return;
  const r = registry();
  for (const form of new Set([value, encodeURIComponent(value), safeDecode(value)])) {
    if (form.length >= MIN_SEARCHED_LENGTH) r.values.add(form);
  }
  r.sorted = null;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `scheme://user:password@` → `scheme://user:***@` (redis, rediss, unix, or any other URL). */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*):([^\s/?#@]+)@/gi;
/** `?password=...` / `&sentinel_password=...` and the like in a query string. */
const QUERY_SECRET = /([?&;](?:[a-z_]*pass(?:word|wd)?|pwd|secret|token|auth)=)[^&#\s"']+/gi;

/** Masks passwords in URL-shaped text without knowing them: userinfo passwords and password-like query parameters. */
export function redactUrls(text: string): string {
  return text.replace(URL_USERINFO, `$1$2:${MASK}@`).replace(QUERY_SECRET, `$1${MASK}`);
}

/** Masks every configured secret, then any URL password, in a piece of text. */
export function redactText(text: string): string {
  const r = registry();
  r.sorted ??= [...r.values].sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of r.sorted) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return redactUrls(out);
}

/** redactText over every string of a JSON-like value (arrays and plain objects walked; other objects kept). */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

/** OPTIONS keys whose string values are secrets (Django's and django-redis's PASSWORD, redis-py's password kwargs, SASL). */
const SECRET_KEY = /pass(word|wd)?$|^pwd$|secret|token|credential|^auth$|api_?key/i;
/** Shown masked but not searched for in free text: a user name like "default" is ordinary text elsewhere. */
const IDENTITY_KEY = /^user(name)?$/i;

/** A copy of OPTIONS with secret values masked (nested objects such as CONNECTION_POOL_KWARGS and SENTINEL_KWARGS too). */
function redactOptions(value: unknown, found: string[], key = ""): unknown {
  if (typeof value === "string") {
    if (SECRET_KEY.test(key)) {
      found.push(value);
      return MASK;
    }
    return IDENTITY_KEY.test(key) ? MASK : value;
  }
  if (Array.isArray(value)) return value.map((v) => redactOptions(v, found, key));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactOptions(v, found, k)]));
  }
  return value;
}

/** The passwords a LOCATION carries: a URL's userinfo password and password-like query parameters. */
function locationSecrets(location: string): string[] {
  const out: string[] = [];
  for (const m of location.matchAll(URL_USERINFO)) out.push(m[3]);
  for (const m of location.matchAll(QUERY_SECRET)) out.push(m[0].slice(m[1].length));
  return out;
}

export interface Connection {
  locations: string[];
  options: Record<string, unknown>;
  /** The DATABASES entry of a cache that lives in a database, as given (PASSWORD and all). */
  database?: Record<string, unknown>;
}

export interface Redacted {
  /** LOCATIONs and OPTIONS safe to show anywhere. */
  shown: Connection;
  /** The real ones, for connecting only. */
  secret: Secret<Connection>;
}

/** Splits an alias's connection settings into what may be shown and what stays secret, registering every secret string. */
export function separateSecrets(connection: Connection): Redacted {
  const found: string[] = [];
  const options = redactOptions(connection.options, found) as Record<string, unknown>;
  for (const location of connection.locations) found.push(...locationSecrets(location));
  for (const s of found) registerSecret(s);
  return {
    shown: { locations: connection.locations.map((l) => redactText(redactUrls(l))), options },
    secret: new Secret({ locations: [...connection.locations], options: connection.options }),
  };
}
