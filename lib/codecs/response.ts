import type { PyValue } from "./pyvalue";
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

function entry(items: Pairs, key: string): PyValue | undefined {
  for (const [k, v] of items) if (k.type === "str" && k.value === key) return v;
  return undefined;
}

function stateItems(v: PyValue | undefined): Pairs | null {
  if (v?.type === "object" && v.value.type === "dict") return v.value.items;
  if (v?.type === "dict") return v.items;
  return null;
}

function text(v: PyValue | undefined): string | null {
  if (v === undefined) return null;
  if (v.type === "str") return v.value;
  if (v.type === "bytes") return Buffer.from(v.base64, "base64").toString("latin1");
  if (v.type === "object") return text(v.value);
  return null;
}

/** Headers from `headers._store` (3.2+) or `_headers` (older): lowercased name → (Name, value). */
function headersOf(state: Pairs): Record<string, string> | null {
  const store = stateItems(entry(state, "headers"));
  const pairs = store !== null ? stateItems(entry(store, "_store")) : stateItems(entry(state, "_headers"));
  if (pairs === null) return null;
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of pairs) {
    const name = text(k);
    const value = v.type === "tuple" || v.type === "list" ? text(v.items[1]) : text(v);
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
  if (v.type !== "object" || v.value.type !== "dict") return undefined;
  const state = v.value.items;
  const container = entry(state, "_container");
  if (container === undefined) return undefined;
  const headers = headersOf(state);
  if (headers === null) return undefined;

  const statusValue = entry(state, "status_code");
  const shortName = v.class.slice(v.class.lastIndexOf(".") + 1);
  const status =
    statusValue?.type === "int" ? Number(statusValue.value) : (DEFAULT_STATUS.get(shortName) ?? 200);
  const contentType = headers["content-type"] ?? null;

  const chunks: Buffer[] = [];
  if (container.type === "list" || container.type === "tuple") {
    for (const c of container.items) {
      if (c.type === "bytes" || c.type === "bytearray") chunks.push(Buffer.from(c.base64, "base64"));
      else if (c.type === "str") chunks.push(Buffer.from(c.value, "utf8"));
    }
  }
  const declared = text(entry(state, "_charset"));
  const full = decodeBody(Buffer.concat(chunks), charsetOf(contentType, declared));
  const bodyTruncated = full.length > maxBodyChars;
  return {
    status,
    contentType,
    headers,
    bodyText: bodyTruncated ? full.slice(0, maxBodyChars) : full,
    bodyTruncated,
    className: v.class,
  };
}
