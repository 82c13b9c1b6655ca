import type { PyValue } from "@/lib/codecs/pyvalue";
import type { DecodedEntry } from "@/lib/codecs/types";
import type { KeyRow } from "@/lib/backends/types";

export type KindHint = NonNullable<KeyRow["kindHint"]>;

/** Characters of preview at most. */
export const PREVIEW_CHARS = 120;

const RESPONSE_MODULES = ["django.http.response.", "django.template.response.", "rest_framework.response."];
const SAFE_STRINGS = new Set([
  "django.utils.safestring.SafeString",
  "django.utils.safestring.SafeText",
  "django.utils.safestring.SafeData",
]);
const SESSION_FIELDS = new Set(["_auth_user_id", "_auth_user_backend", "_auth_user_hash", "_session_expiry"]);

/**
 * The kind of an entry guessed from its value, since a file does not hold its key: what cache_page, cache_header,
 * {% cache %} and the cache session backend store. A plain value of the same shape is guessed the same way.
 */
export function kindFromValue(value: PyValue): KindHint {
  if (value.type === "object") {
    if (RESPONSE_MODULES.some((m) => value.class.startsWith(m))) return "page";
    if (SAFE_STRINGS.has(value.class)) return "fragment";
    return "key";
  }
  // cache_header stores the sorted list of the request's HTTP_* header names that Vary names ([] without Vary).
  if (value.type === "list" && value.items.every((i) => i.type === "str" && i.value.startsWith("HTTP_"))) {
    return "page_header";
  }
  if (value.type === "dict" && value.items.some(([k]) => k.type === "str" && SESSION_FIELDS.has(k.value))) {
    return "session";
  }
  return "key";
}

/** One line saying what an entry holds, at most PREVIEW_CHARS characters. */
export function previewOf(decoded: DecodedEntry, kind: KindHint): string {
  if (decoded.value === null) return clip(decoded.error ?? "undecodable");
  if (decoded.response) {
    const r = decoded.response;
    const body = r.bodyText.replace(/\s+/g, " ").trim();
    return clip(`${r.status} ${r.contentType ?? ""} ${body}`.replace(/\s+/g, " "));
  }
  if (kind === "page_header") {
    const names = decoded.value.type === "list" ? decoded.value.items : [];
    return clip(names.length === 0 ? "Vary: (none)" : `Vary: ${names.map((n) => (n.type === "str" ? n.value : brief(n, 40))).join(", ")}`);
  }
  return clip(brief(decoded.value, PREVIEW_CHARS + 1));
}

function clip(text: string): string {
  return text.length <= PREVIEW_CHARS ? text : `${text.slice(0, PREVIEW_CHARS - 1)}…`;
}

/** A Python-like rendering that stops once `budget` characters are written: huge values cost no more than small ones. */
function brief(v: PyValue, budget: number): string {
  if (budget <= 0) return "…";
  switch (v.type) {
    case "none":
      return "None";
    case "bool":
      return v.value ? "True" : "False";
    case "int":
    case "decimal":
    case "uuid":
      return v.type === "int" ? v.value : `${v.type === "decimal" ? "Decimal" : "UUID"}('${v.value}')`;
    case "float":
      return String(v.value);
    case "str":
      return `'${v.value.slice(0, budget)}'`;
    case "bytes":
    case "bytearray":
      return `<${v.type} ${v.length} bytes>`;
    case "datetime":
    case "date":
    case "time":
      return `${v.type}(${v.value})`;
    case "timedelta":
      return `timedelta(${v.value}s)`;
    case "truncated":
      return "…";
    case "ref":
      return `<same as #${v.id}>`;
    case "object": {
      const name = v.class.slice(v.class.lastIndexOf(".") + 1);
      return `${name}(${brief(v.value, budget - name.length - 2)})`;
    }
    case "dict":
      return `{${join(v.items, (kv, b) => `${brief(kv[0], b)}: ${brief(kv[1], b)}`, budget - 2)}}`;
    case "list":
      return `[${join(v.items, brief, budget - 2)}]`;
    case "tuple":
      return `(${join(v.items, brief, budget - 2)})`;
    case "set":
    case "frozenset":
      return `${v.type}({${join(v.items, brief, budget - 7)}})`;
  }
}

function join<T>(items: T[], render: (item: T, budget: number) => string, budget: number): string {
  let out = "";
  for (const item of items) {
    if (out.length >= budget) return `${out}, …`;
    out += (out ? ", " : "") + render(item, budget - out.length);
  }
  return out;
}
