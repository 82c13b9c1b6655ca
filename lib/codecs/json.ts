import { leafBytes, type Budget } from "./budget";
import type { PyValue } from "./pyvalue";

/**
 * JSON text → PyValue with Python json.loads semantics: integers stay exact (decimal strings, any size), floats are
 * doubles (overflow gives inf), NaN / Infinity / -Infinity are accepted, objects keep insertion order with the last
 * value of a repeated key at the first key's place. Objects are arrays of pairs, never JS objects.
 * Nesting beyond the budget's depth is skipped without recursing, so the parser never recurses deeper than maxDepth + 1.
 */

export class JsonError extends Error {}

const MAX_INT_DIGITS = 4300;
/** A run of string characters that need no attention. */
const PLAIN = /[^"\\\x00-\x1f]*/y;

export function parseJson(text: string, budget: Budget): PyValue {
  const p = new Parser(text, budget);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.pos !== text.length) throw new JsonError(`Extra data at char ${p.pos}`);
  return v;
}

function isCut(v: PyValue): boolean {
  return v.type === "truncated" && v.omitted > 0;
}

class Parser {
  pos = 0;

  constructor(
    private readonly s: string,
    private readonly budget: Budget,
  ) {}

  ws(): void {
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.pos++;
    }
  }

  value(depth: number): PyValue {
    const c = this.s[this.pos];
    if (c === "{" || c === "[") {
      if (!this.budget.take(depth)) return this.skipContainer();
      return c === "{" ? this.object(depth) : this.array(depth);
    }
    const v = this.scalar();
    return this.budget.takeLeaf(depth, v) ? v : this.budget.cut(1);
  }

  /** Skips a container the budget has no room for, without building (or recursing into) it. */
  private skipContainer(): PyValue {
    this.pos++;
    return this.budget.cut(1 + this.skipRest());
  }

  /** Skips to just past the close of the container being read; returns how many items it passed. */
  private skipRest(): number {
    let level = 0;
    let count = 1;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos];
      if (c === '"') {
        this.string();
        continue;
      }
      this.pos++;
      if (c === "{" || c === "[") level++;
      else if (c === "}" || c === "]") {
        if (level === 0) return count;
        level--;
      } else if (c === "," && level === 0) count++;
    }
    throw new JsonError("Unterminated container");
  }

  private expect(ch: string): void {
    if (this.s[this.pos] !== ch) throw new JsonError(`Expecting '${ch}' at char ${this.pos}`);
    this.pos++;
  }

  private object(depth: number): PyValue {
    this.pos++;
    const items: [PyValue, PyValue][] = [];
    const index = new Map<string, number>();
    this.ws();
    if (this.s[this.pos] === "}") {
      this.pos++;
      return { type: "dict", items };
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') throw new JsonError(`Expecting property name at char ${this.pos}`);
      const key = this.string();
      if (!this.budget.take(depth + 1, leafBytes({ type: "str", value: key }), 0)) {
        // No room for the key: it and the pairs after it are left out.
        items.push([this.budget.cut(this.skipRest()), { type: "none" }]);
        return { type: "dict", items };
      }
      this.ws();
      this.expect(":");
      this.ws();
      const v = this.value(depth + 1);
      if (isCut(v)) {
        items.push([{ type: "str", value: key }, v]);
        const rest = this.skipRest();
        if (rest > 1) items.push([this.budget.cut(rest - 1), { type: "none" }]);
        return { type: "dict", items };
      }
      const at = index.get(key);
      if (at === undefined) {
        index.set(key, items.length);
        items.push([{ type: "str", value: key }, v]);
      } else items[at] = [items[at][0], v];
      this.ws();
      if (this.s[this.pos] === ",") {
        this.pos++;
        continue;
      }
      this.expect("}");
      return { type: "dict", items };
    }
  }

  private array(depth: number): PyValue {
    this.pos++;
    const items: PyValue[] = [];
    this.ws();
    if (this.s[this.pos] === "]") {
      this.pos++;
      return { type: "list", items };
    }
    for (;;) {
      this.ws();
      const v = this.value(depth + 1);
      if (isCut(v)) {
        items.push(this.budget.cut(this.skipRest()));
        return { type: "list", items };
      }
      items.push(v);
      this.ws();
      if (this.s[this.pos] === ",") {
        this.pos++;
        continue;
      }
      this.expect("]");
      return { type: "list", items };
    }
  }

  private scalar(): PyValue {
    const c = this.s[this.pos];
    if (c === '"') return { type: "str", value: this.string() };
    const words: [string, PyValue][] = [
      ["null", { type: "none" }],
      ["true", { type: "bool", value: true }],
      ["false", { type: "bool", value: false }],
      ["NaN", { type: "float", value: "nan" }],
      ["Infinity", { type: "float", value: "inf" }],
      ["-Infinity", { type: "float", value: "-inf" }],
    ];
    for (const [w, v] of words) {
      if (this.s.startsWith(w, this.pos)) {
        this.pos += w.length;
        return v;
      }
    }
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const hit = m.exec(this.s);
    if (hit === null) throw new JsonError(`Expecting value at char ${this.pos}`);
    this.pos += hit[0].length;
    if (hit[1] === undefined && hit[2] === undefined) {
      if (hit[0].length > MAX_INT_DIGITS) throw new JsonError("integer too large");
      return { type: "int", value: BigInt(hit[0]).toString() };
    }
    const f = Number(hit[0]);
    if (f === Infinity) return { type: "float", value: "inf" };
    if (f === -Infinity) return { type: "float", value: "-inf" };
    return { type: "float", value: f };
  }

  private string(): string {
    this.pos++;
    let out = "";
    for (;;) {
      PLAIN.lastIndex = this.pos;
      const run = PLAIN.exec(this.s);
      const end = run === null ? 0 : run[0].length;
      out += this.s.slice(this.pos, this.pos + end);
      this.pos += end;
      if (this.pos >= this.s.length) throw new JsonError("Unterminated string");
      const c = this.s[this.pos++];
      if (c === '"') return out;
      if (c !== "\\") throw new JsonError(`Invalid control character at char ${this.pos - 1}`);
      const e = this.s[this.pos++];
      switch (e) {
        case '"':
        case "\\":
        case "/":
          out += e;
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hex = this.s.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonError(`Invalid \\uXXXX escape at char ${this.pos}`);
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          throw new JsonError(`Invalid \\escape at char ${this.pos - 1}`);
      }
    }
  }
}
