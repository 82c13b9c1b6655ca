import type { PyValue } from "./pyvalue";

/** Python's repr() of a float (shortest round-trip digits, exponent outside 1e-4 <= |x| < 1e16). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mant, exp] = x.toExponential().split("e");
    const e = Number(exp);
    return `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const s = String(x);
  return s.includes(".") ? s : `${s}.0`;
}

function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * An approximation of Python's repr() for the values that can be set members, used only to order set items the way
 * the API promises (sorted by repr). Containers nest at most a few levels in practice; depth is capped anyway.
 */
export function pyRepr(v: PyValue, depth = 0): string {
  if (depth > 16) return "...";
  switch (v.type) {
    case "none":
      return "None";
    case "bool":
      return v.value ? "True" : "False";
    case "int":
      return v.value;
    case "float":
      return typeof v.value === "number" ? pyFloatRepr(v.value) : v.value;
    case "str":
      return strRepr(v.value);
    case "bytes":
      return `b${strRepr(Buffer.from(v.base64, "base64").toString("latin1"))}`;
    case "tuple": {
      const inner = v.items.map((i) => pyRepr(i, depth + 1));
      return inner.length === 1 ? `(${inner[0]},)` : `(${inner.join(", ")})`;
    }
    case "frozenset":
      return `frozenset({${v.items.map((i) => pyRepr(i, depth + 1)).join(", ")}})`;
    case "datetime":
    case "date":
    case "time":
    case "timedelta":
    case "decimal":
    case "uuid":
      return `${v.type}(${v.value})`;
    case "object":
      return `<${v.class}>`;
    default:
      return `<${v.type}>`;
  }
}

/** Python compares str by code point; JS `<` compares UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number);
    if (d !== 0) return d;
  }
}
