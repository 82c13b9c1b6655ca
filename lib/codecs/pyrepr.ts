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

/** repr of a str, stopped once it is `max` characters long (enough to order set members). */
function strRepr(text: string, max: number): string {
  // Python picks the quote from the whole string; the prefix is what gets compared, so it decides here.
  const s = text.length > max ? text.slice(0, max) : text;
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (let i = 0; i < s.length && out.length < max; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
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
 * the API promises (sorted by repr). At most about `max` characters (a longer repr is cut: members equal that far
 * keep their order), nesting at most 16 levels; `resolve` follows {"type":"ref"} nodes.
 */
export function pyRepr(v: PyValue, max = 4096, resolve?: (id: number) => PyValue | undefined, depth = 0): string {
  if (depth > 16 || max <= 0) return "...";
  const inner = (items: PyValue[]): string => {
    let out = "";
    for (const item of items) {
      if (out.length >= max) break;
      out += (out ? ", " : "") + pyRepr(item, max - out.length, resolve, depth + 1);
    }
    return out;
  };
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
      return strRepr(v.value, max);
    case "bytes":
      // Only the prefix that can reach the cap is decoded: 3 bytes per 4 base64 characters.
      return `b${strRepr(Buffer.from(v.base64.slice(0, Math.ceil(max / 3) * 4), "base64").toString("latin1"), max)}`;
    case "tuple":
      return v.items.length === 1 ? `(${inner(v.items)},)` : `(${inner(v.items)})`;
    case "frozenset":
      return `frozenset({${inner(v.items)}})`;
    case "datetime":
    case "date":
    case "time":
    case "timedelta":
    case "decimal":
    case "uuid":
      return `${v.type}(${v.value})`;
    case "object":
      return `<${v.class}>`;
    case "ref": {
      const target = resolve?.(v.id);
      return target === undefined ? "<ref>" : pyRepr(target, max, resolve, depth + 1);
    }
    default:
      return `<${v.type}>`;
  }
}

/** Whether the unit at i is half of a surrogate pair (a lone surrogate is its own code point, D800–DFFF). */
function inPair(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff;
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const prev = s.charCodeAt(i - 1);
    return prev >= 0xd800 && prev <= 0xdbff;
  }
  return false;
}

/** Python compares str by code point; JS `<` compares UTF-16 units, which differ only around surrogate pairs. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Half of a pair stands for a code point above FFFF: after any single unit, whatever the units say.
      const px = inPair(a, i);
      if (px !== inPair(b, i)) return px ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}
