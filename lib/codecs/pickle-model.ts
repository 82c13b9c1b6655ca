/**
 * The intermediate object model of the safe unpickler. Nothing here is ever called: a pickle's callables become
 * `global` / `attr` nodes and their calls become `obj` nodes that the converter interprets for a few known classes.
 * Dicts are arrays of pairs (never JS objects keyed by Python strings), so keys like "__proto__" are plain data.
 */
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

/** Work allowed for one hashKey() call: shared sub-tuples (memo references) could otherwise cost 2^depth. */
const HASH_BUDGET = 10_000;

/**
 * A hashable identity for a dict key or set member, following Python equality (True == 1 == 1.0); null when the
 * value is unhashable here or too costly to identify (then it is simply not de-duplicated).
 */
export function hashKey(n: PNode): string | null {
  const work = { left: HASH_BUDGET };
  return identity(n, 0, work);
}

function identity(n: PNode, depth: number, work: { left: number }): string | null {
  if (depth > 64 || --work.left < 0) return null;
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
      return `s${n.v}`;
    case "bytes":
      return `b${Buffer.from(n.v).toString("latin1")}`;
    case "tuple":
    case "frozenset": {
      const parts: string[] = [];
      for (const item of n.items) {
        const h = identity(item, depth + 1, work);
        if (h === null) return null;
        work.left -= Math.ceil(h.length / 64);
        parts.push(h);
      }
      if (n.k === "frozenset") parts.sort();
      // Length-prefixed parts: unambiguous without escaping, so nesting does not grow the string.
      return `${n.k === "tuple" ? "t" : "z"}${parts.length}:${parts.map((p) => `${p.length}:${p}`).join("")}`;
    }
    default:
      return null;
  }
}
