/**
 * The intermediate object model of the safe unpickler. Nothing here is ever called: a pickle's callables become
 * `global` / `attr` nodes and their calls become `obj` nodes that the converter interprets for a few known classes.
 * Dicts are arrays of pairs (never JS objects keyed by Python strings), so keys like "__proto__" are plain data.
 */
import { createHash } from "node:crypto";
import type { Work } from "./budget";

export type PNode =
  | { k: "none" }
  | { k: "bool"; v: boolean }
  | { k: "int"; v: bigint }
  | { k: "float"; v: number }
  | { k: "str"; v: string }
  | { k: "bytes" | "bytearray"; v: Uint8Array }
  | { k: "list" | "tuple"; items: PNode[] }
  | PSet
  | PDict
  /** A module-level name: GLOBAL / STACK_GLOBAL / INST. */
  | { k: "global"; module: string; name: string }
  /** `builtins.getattr(owner, name)`: an Enum member when used as a value, a classmethod when called. */
  | { k: "attr"; owner: PNode; name: string }
  | PObj;

/** `index` maps hashKey() of members/keys to their position, for Python's de-duplication. */
export interface PSet {
  k: "set" | "frozenset";
  items: PNode[];
  index?: Map<string, number>;
}

export interface PDict {
  k: "dict";
  items: [PNode, PNode][];
  index?: Map<string, number>;
}

/** An instance built by NEWOBJ / NEWOBJ_EX / REDUCE / INST / OBJ, then filled by BUILD, SETITEM(S), APPEND(S). */
export interface PObj {
  k: "obj";
  callee: PNode;
  args: PNode[];
  kwargs?: PNode;
  /** True for NEWOBJ-like creation (cls.__new__), false for a REDUCE call. */
  isNew: boolean;
  state?: PNode;
  dictItems?: [PNode, PNode][];
  listItems?: PNode[];
}

/** "module.QualName" of a callee, or null when it is not a name. */
export function qualName(n: PNode): string | null {
  if (n.k === "global") return `${n.module}.${n.name}`;
  if (n.k === "attr") {
    const owner = qualName(n.owner);
    return owner === null ? null : `${owner}.${n.name}`;
  }
  return null;
}

/** Keys longer than this are replaced by a digest, so a key made of keys stays short whatever it holds. */
const PLAIN_KEY_CHARS = 256;
/** Nesting of tuples/frozensets inside a key at most (Python would recurse as deep; we stop hashing instead). */
const MAX_KEY_DEPTH = 64;

/**
 * Hashable identities for dict keys and set members, following Python equality (True == 1 == 1.0); null when the
 * value is unhashable here or nested too deep to identify (then it is simply not de-duplicated).
 * Bounded work: a node that costs more than a few characters is hashed once per decode (its key is kept), and a long
 * key is a digest of its length-prefixed parts, so a tuple's key costs its own item count, not the size of what it
 * holds: a memoized member referenced a million times is hashed once.
 */
export class Keys {
  private readonly kept = new Map<PNode, string | null>();

  constructor(readonly work: Work) {}

  of(n: PNode): string | null {
    return this.identity(n, 0);
  }

  private identity(n: PNode, depth: number): string | null {
    switch (n.k) {
      case "none":
        return "N";
      case "bool":
        return n.v ? "i1" : "i0";
      case "int":
        return `i${n.v.toString()}`;
      case "float":
        return Number.isInteger(n.v) ? `i${BigInt(n.v).toString()}` : `f${String(n.v)}`;
      case "str":
        return n.v.length <= PLAIN_KEY_CHARS ? `s${n.v}` : (this.kept.get(n) ?? this.keep(n, digest("s", n.v, this.work)));
      case "bytes": {
        if (n.v.length > PLAIN_KEY_CHARS && this.kept.has(n)) return this.kept.get(n) as string;
        const key = digest("b", Buffer.from(n.v.buffer, n.v.byteOffset, n.v.length).toString("latin1"), this.work);
        return n.v.length > PLAIN_KEY_CHARS ? this.keep(n, key) : key;
      }
      case "tuple":
      case "frozenset": {
        const known = this.kept.get(n);
        if (known !== undefined) return known;
        if (depth > MAX_KEY_DEPTH) return null;
        this.work.spend(n.items.length);
        const parts: string[] = [];
        for (const item of n.items) {
          const h = this.identity(item, depth + 1);
          if (h === null) return this.keep(n, null);
          parts.push(h);
        }
        if (n.k === "frozenset") parts.sort();
        // Length-prefixed parts: unambiguous without escaping.
        const text = `${parts.length}:${parts.map((p) => `${p.length}:${p}`).join("")}`;
        return this.keep(n, digest(n.k === "tuple" ? "t" : "z", text, this.work));
      }
      default:
        return null;
    }
  }

  private keep(n: PNode, key: string | null): string | null {
    this.kept.set(n, key);
    return key;
  }
}

function digest(tag: string, text: string, work: Work): string {
  if (text.length <= PLAIN_KEY_CHARS) return `${tag}${text}`;
  work.chars(text.length);
  // utf16le keeps every code unit (lone surrogates included); sha256 makes equal keys for different text unthinkable.
  return `${tag.toUpperCase()}${text.length}:${createHash("sha256").update(text, "utf16le").digest("base64")}`;
}
