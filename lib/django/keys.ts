/** Django's default key layout: "{KEY_PREFIX}:{VERSION}:{key}" (django.core.cache.backends.base.default_key_func). */

export type DjangoKind = "page" | "page_header" | "fragment" | "session" | "key";

export function makeKey(key: string, keyPrefix: string, version: number): string {
  return `${keyPrefix}:${version}:${key}`;
}

/** The raw prefix that selects every key of this alias at one version, or at all versions (version null). */
export function rawPrefixFor(keyPrefix: string, version: number | null, keyStart = ""): string {
  return version === null ? `${keyPrefix}:` : `${keyPrefix}:${version}:${keyStart}`;
}

export interface ParsedKey {
  key: string;
  version: number;
}

/**
 * Splits a stored key into Django key and version; null when it does not follow the alias's layout. The version is
 * what Django formats with %s: an int prints as plain decimal digits, optionally negative (1 to 15 of them here).
 * Runs for every key of an analysis (millions): one pass over the characters, no regex and no intermediate slices.
 */
export function parseRawKey(raw: string, keyPrefix: string): ParsedKey | null {
  const start = keyPrefix.length + 1;
  if (raw.length <= start || raw.charCodeAt(keyPrefix.length) !== 58 || !raw.startsWith(keyPrefix)) return null;
  let i = start;
  const negative = raw.charCodeAt(i) === 45;
  if (negative) i++;
  const digitsFrom = i;
  let version = 0;
  for (; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 58) break;
    if (c < 48 || c > 57) return null;
    version = version * 10 + (c - 48);
  }
  const digits = i - digitsFrom;
  if (i >= raw.length || digits < 1 || digits > 15) return null;
  return { key: raw.slice(i + 1), version: negative ? -version : version };
}

const PAGE = "views.decorators.cache.cache_page.";
const HEADER = "views.decorators.cache.cache_header.";
const FRAGMENT = "template.cache.";
const SESSION_PREFIXES = ["django.contrib.sessions.cache", "django.contrib.sessions.cached_db"];

/** The kind of a Django key (the key after prefix and version), from the names Django itself builds. */
export function kindOfKey(key: string): DjangoKind {
  if (key.startsWith(PAGE)) return "page";
  if (key.startsWith(HEADER)) return "page_header";
  if (key.startsWith(FRAGMENT)) return "fragment";
  if (SESSION_PREFIXES.some((p) => key.startsWith(p))) return "session";
  return "key";
}
