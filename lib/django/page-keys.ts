import { createHash } from "node:crypto";

/**
 * The keys of Django's cache_page / cache middleware (django.utils.cache):
 *   views.decorators.cache.cache_header.{key_prefix}.{md5(url)}[.{lang}][.{tz}]
 *   views.decorators.cache.cache_page.{key_prefix}.{METHOD}.{md5(url)}.{md5(vary header values)}[.{lang}][.{tz}]
 * where url = request.build_absolute_uri(), which Django hashes as ASCII.
 *
 * What a URL typed by an operator becomes, step by step (checked against Django 3.2's own code, see
 * page-keys.fixture.json):
 * 1. The browser's view: the WHATWG URL parser (what a browser sends): host lowercased and punycoded, default port
 *    dropped, dot segments resolved, non-ASCII percent-encoded as UTF-8, the #fragment dropped (never sent).
 * 2. The server's view of the path: percent-decoded to bytes, read as UTF-8 (Django's request.path), then
 *    re-escaped by escape_uri_path: everything but letters, digits and `/:@&+$,-_.!~*'()` as %XX (upper case), so
 *    `%7e` becomes `~` and `;` or `=` become `%3B` / `%3D`.
 * 3. The query string stays as sent, passed through iri_to_uri: everything but letters, digits and
 *    `-._~/#%[]=:;$&()+,!?*@'` as %XX (existing %XX kept as they are). An empty query gives no `?`.
 * 4. scheme://host + path [+ ? + query].
 * Not handled: a path whose bytes are not valid UTF-8 (refused), hosts rewritten by proxies
 * (USE_X_FORWARDED_HOST) and TLS terminated before Django without SECURE_PROXY_SSL_HEADER (Django then sees
 * http://): give the URL as Django sees it.
 */

export const PAGE_KEY_START = "views.decorators.cache.cache_page.";
export const HEADER_KEY_START = "views.decorators.cache.cache_header.";

export class UrlError extends Error {}

const PATH_SAFE = new Set("/:@&+$,-_.!~*'()");
const QUERY_SAFE = new Set("/#%[]=:;$&()+,!?*@'~-._");

function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function hex(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}

/** Python's urllib.parse.quote over UTF-8 bytes with the given safe characters (letters, digits, `_.-~` always safe). */
function quote(text: string, safe: Set<string>): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const ch = String.fromCharCode(byte);
    out += byte < 128 && (isAlnum(byte) || "_.-~".includes(ch) || safe.has(ch)) ? ch : hex(byte);
  }
  return out;
}

/** Python's unquote_to_bytes: %XX becomes the byte; a `%` not followed by two hex digits stays itself. */
function unquoteToBytes(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const pair = text.slice(i + 1, i + 3);
    if (text[i] === "%" && /^[0-9a-fA-F]{2}$/.test(pair)) {
      bytes.push(parseInt(pair, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i], "utf8"));
    }
  }
  return Uint8Array.from(bytes);
}

/** The string Django's request.build_absolute_uri() gives for a request of this URL (steps at the top of the file). */
export function djangoAbsoluteUri(input: string): string {
  const text = input.trim();
  if (text === "") throw new UrlError("the URL is empty");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UrlError(`"${text}" is not an absolute URL (expected http://host/path or https://host/path)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UrlError(`only http and https URLs are cached by cache_page, not ${url.protocol.replace(/:$/, "")}`);
  }
  if (url.host === "") throw new UrlError("the URL has no host");
  if (url.username !== "" || url.password !== "") throw new UrlError("the URL must not carry a user name or password");
  let path: string;
  try {
    path = new TextDecoder("utf-8", { fatal: true }).decode(unquoteToBytes(url.pathname));
  } catch {
    throw new UrlError("the URL path decodes to bytes that are not UTF-8: Django's key for it is not computed here");
  }
  // url.search is "" both for no query and for a bare "?": Django adds "?" only for a non-empty QUERY_STRING.
  const query = url.search.slice(1);
  return `${url.protocol}//${url.host}${quote(path, PATH_SAFE)}${query ? `?${quote(query, QUERY_SAFE)}` : ""}`;
}

export function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

/** md5 of the absolute URI, as in the middle of Django's page and header keys. */
export function urlHash(url: string): string {
  return md5Hex(djangoAbsoluteUri(url));
}

/** The literal start of every cache_header key of this URL (language/timezone suffixes follow). */
export function headerKeyStart(keyPrefix: string, hash: string): string {
  return `${HEADER_KEY_START}${keyPrefix}.${hash}`;
}

/** The literal start of every cache_page key under this cache_page key_prefix, for any URL. */
export function pageKeyStart(keyPrefix: string): string {
  return `${PAGE_KEY_START}${keyPrefix}.`;
}

/** True when a Django key (prefix and version stripped) is a cache_header key of this URL hash. */
export function isHeaderKeyOf(key: string, keyPrefix: string, hash: string): boolean {
  const start = headerKeyStart(keyPrefix, hash);
  return key.startsWith(start) && (key.length === start.length || key[start.length] === ".");
}

/**
 * True when a Django key is a cache_page key of this URL hash: after "cache_page.{key_prefix}." comes
 * "{METHOD}.{md5(url)}." (any method: Django stores GET and HEAD; the header hash after it is opaque). Matching the
 * whole shape keeps a key_prefix that merely starts with ours ("a" vs "a.b") from matching.
 */
export function isPageKeyOf(key: string, keyPrefix: string, hash: string): boolean {
  const start = pageKeyStart(keyPrefix);
  if (!key.startsWith(start)) return false;
  const rest = key.slice(start.length);
  const dot = rest.indexOf(".");
  if (dot <= 0 || !/^[A-Z]+$/.test(rest.slice(0, dot))) return false;
  return rest.startsWith(`${hash}.`, dot + 1);
}

/**
 * The cache_header keys of a URL for each language and time zone suffix asked for, plus the bare key (USE_I18N and
 * USE_TZ off) and each suffix alone: what can be computed without listing keys. Order: bare, then lang, lang.tz.
 */
export function headerKeyVariants(keyPrefix: string, hash: string, languages: string[], timezones: string[]): string[] {
  const base = headerKeyStart(keyPrefix, hash);
  const langs = ["", ...languages.map((l) => `.${l}`)];
  const tzs = ["", ...timezones.map((t) => `.${t}`)];
  const keys = new Set<string>();
  for (const lang of langs) for (const tz of tzs) keys.add(`${base}${lang}${tz}`);
  return [...keys];
}
