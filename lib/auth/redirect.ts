/** Where to send someone after login: a path on this site, never elsewhere. Pure: the login form uses it too. */

// Browsers strip or reinterpret these: "/\evil" and "/<TAB>/evil" become "//evil", another host.
const RAW_UNSAFE = /[\u0000-\u001f\u007f-\u009f\\]/;
const BYTE_UNSAFE = /[\u0000-\u001f\u007f\\]/;

/** Each %XX decoded to its byte on its own: a malformed sequence elsewhere cannot hide an encoded backslash. */
function decodeBytes(text: string): string {
  return text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * The same-origin path, query and fragment of `next`, or "/" when it is missing or could lead anywhere else:
 * it must start with one slash, hold no backslash or control character (raw, percent-encoded, or encoded twice),
 * and resolve against `origin` to `origin` itself.
 */
export function safeNext(next: string | null | undefined, origin: string): string {
  if (!next || next.length > 2048 || RAW_UNSAFE.test(next)) return "/";
  // Twice decoded: a value decoded once more by a proxy or a router must be as harmless as the raw one.
  const once = decodeBytes(next);
  for (const form of [next, once, decodeBytes(once)]) {
    if (BYTE_UNSAFE.test(form) || !form.startsWith("/") || form.startsWith("//")) return "/";
  }
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(next, base);
  } catch {
    return "/";
  }
  if (url.origin !== base.origin) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
