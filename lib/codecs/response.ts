import { deref, sharedNodes, type PyValue } from "./pyvalue";
import type { ResponseSummary } from "./types";

/**
 * Summarises a cached HttpResponse-like object (django.http responses, TemplateResponse, DRF Response: anything whose
 * state has `_container` and headers) for the page view.
 */

/** Status of a response class that was built without an explicit status (no `status_code` in its state). */
const DEFAULT_STATUS: ReadonlyMap<string, number> = new Map([
  ["HttpResponseRedirect", 302],
  ["HttpResponsePermanentRedirect", 301],
  ["HttpResponseNotModified", 304],
  ["HttpResponseBadRequest", 400],
  ["HttpResponseForbidden", 403],
  ["HttpResponseNotFound", 404],
  ["HttpResponseNotAllowed", 405],
  ["HttpResponseGone", 410],
  ["HttpResponseServerError", 500],
]);

type Pairs = [PyValue, PyValue][];
type Shared = ReadonlyMap<number, PyValue>;

/** A header name or value longer than this is cut (a header is a line, not a document). */
const MAX_HEADER_CHARS = 8192;

function entry(items: Pairs, key: string, shared: Shared): PyValue | undefined {
  for (const [k, v] of items) {
    const name = deref(k, shared);
    if (name.type === "str" && name.value === key) return deref(v, shared);
  }
  return undefined;
}

function stateItems(v: PyValue | undefined, shared: Shared): Pairs | null {
  const d = v === undefined ? undefined : deref(v, shared);
  if (d?.type === "object") {
    const state = deref(d.value, shared);
    return state.type === "dict" ? state.items : null;
  }
  if (d?.type === "dict") return d.items;
  return null;
}

function text(v: PyValue | undefined, shared: Shared, depth = 0): string | null {
  if (v === undefined || depth > 4) return null;
  const d = deref(v, shared);
  if (d.type === "str") return d.value.slice(0, MAX_HEADER_CHARS);
  if (d.type === "bytes")
    return Buffer.from(d.base64.slice(0, MAX_HEADER_CHARS * 2), "base64")
      .toString("latin1")
      .slice(0, MAX_HEADER_CHARS);
  if (d.type === "object") return text(d.value, shared, depth + 1);
  return null;
}

/** Headers from `headers._store` (3.2+) or `_headers` (older): lowercased name → (Name, value). */
function headersOf(state: Pairs, shared: Shared): Record<string, string> | null {
  const store = stateItems(entry(state, "headers", shared), shared);
  const pairs = store !== null ? stateItems(entry(store, "_store", shared), shared) : stateItems(entry(state, "_headers", shared), shared);
  if (pairs === null) return null;
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, raw] of pairs) {
    const name = text(k, shared);
    const v = deref(raw, shared);
    const value = v.type === "tuple" || v.type === "list" ? text(v.items[1], shared) : text(v, shared);
    if (name !== null && value !== null) out[name.toLowerCase()] = value;
  }
  // A plain object for JSON and deep equality; null-prototype only guarded the writes above.
  return { ...out };
}

function charsetOf(contentType: string | null, declared: string | null): string {
  if (declared) return declared;
  const m = contentType === null ? null : /charset=["']?([^;"'\s]+)/i.exec(contentType);
  return m ? m[1] : "utf-8";
}

function decodeBody(body: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}

export function summarizeResponse(v: PyValue, maxBodyChars: number): ResponseSummary | undefined {
  if (v.type !== "object" || (v.value.type !== "dict" && v.value.type !== "ref")) return undefined;
  const shared = sharedNodes(v);
  const state = stateItems(v, shared);
  if (state === null) return undefined;
  const container = entry(state, "_container", shared);
  if (container === undefined) return undefined;
  const headers = headersOf(state, shared);
  if (headers === null) return undefined;

  const statusValue = entry(state, "status_code", shared);
  const shortName = v.class.slice(v.class.lastIndexOf(".") + 1);
  const status = statusValue?.type === "int" ? Number(statusValue.value) : (DEFAULT_STATUS.get(shortName) ?? 200);
  const contentType = headers["content-type"] ?? null;

  // Enough bytes for maxBodyChars characters in any charset (UTF-8 needs at most 4 a character), and no more: the
  // container may reference one large chunk many times.
  const maxBytes = maxBodyChars * 4 + 4;
  const chunks: Buffer[] = [];
  let total = 0;
  let more = false;
  if (container.type === "list" || container.type === "tuple") {
    for (const item of container.items) {
      if (total >= maxBytes) {
        more = true;
        break;
      }
      const c = deref(item, shared);
      const room = maxBytes - total;
      let chunk: Buffer;
      if (c.type === "bytes" || c.type === "bytearray") {
        chunk = Buffer.from(c.base64.slice(0, Math.ceil(room / 3) * 4), "base64");
        if (c.length > chunk.length) more = true;
      } else if (c.type === "str") {
        chunk = Buffer.from(c.value.slice(0, room), "utf8");
        if (c.value.length > room) more = true;
      } else continue;
      chunks.push(chunk);
      total += chunk.length;
    }
  }
  const declared = text(entry(state, "_charset", shared), shared);
  const full = decodeBody(Buffer.concat(chunks), charsetOf(contentType, declared));
  const bodyTruncated = more || full.length > maxBodyChars;
  return {
    status,
    contentType,
    headers,
    bodyText: bodyTruncated ? full.slice(0, maxBodyChars) : full,
    bodyTruncated,
    className: v.class,
  };
}
