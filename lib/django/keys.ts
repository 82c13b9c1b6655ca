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

/** Splits a stored key into Django key and version; null when it does not follow the alias's layout. */
export function parseRawKey(raw: string, keyPrefix: string): ParsedKey | null {
  const head = `${keyPrefix}:`;
  if (!raw.startsWith(head)) return null;
  const rest = raw.slice(head.length);
  const colon = rest.indexOf(":");
  if (colon <= 0) return null;
  const versionText = rest.slice(0, colon);
  // Django formats the version with %s: an int prints as plain decimal digits, optionally negative.
  if (!/^-?\d{1,15}$/.test(versionText)) return null;
  return { key: rest.slice(colon + 1), version: Number(versionText) };
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
