/**
 * A decoded Python value as JSON: the PyValue format of shared/API.md, plus shared references (README "API additions"):
 * an object that the pickle references more than once, and that is too large to repeat, carries `"id": n` where it
 * first appears and is `{"type":"ref","id":n}` everywhere else (a reference cycle too). Small values are repeated.
 */
type Shareable = { id?: number };

export type PyValue =
  | { type: "none" }
  | { type: "bool"; value: boolean }
  | ({ type: "int"; value: string } & Shareable)
  | { type: "float"; value: number | "nan" | "inf" | "-inf" }
  | ({ type: "str"; value: string } & Shareable)
  | ({ type: "bytes" | "bytearray"; base64: string; length: number } & Shareable)
  | ({ type: "list" | "tuple" | "set" | "frozenset"; items: PyValue[] } & Shareable)
  | ({ type: "dict"; items: [PyValue, PyValue][] } & Shareable)
  | { type: "datetime" | "date" | "time"; value: string }
  | { type: "timedelta"; value: string }
  | { type: "decimal" | "uuid"; value: string }
  | ({ type: "object"; class: string; value: PyValue; items?: [PyValue, PyValue][] | PyValue[] } & Shareable)
  | { type: "truncated"; omitted: number }
  /** The same Python object as the node carrying this id elsewhere in the value. */
  | { type: "ref"; id: number };

export type PyValueType = PyValue["type"];

/** The nodes that carry an id, by id: how a reader follows {"type":"ref"}. Walks each node once. */
export function sharedNodes(root: PyValue): Map<number, PyValue> {
  const out = new Map<number, PyValue>();
  const stack: PyValue[] = [root];
  while (stack.length > 0) {
    const v = stack.pop() as PyValue;
    if ("id" in v && v.type !== "ref" && v.id !== undefined) out.set(v.id, v);
    switch (v.type) {
      case "list":
      case "tuple":
      case "set":
      case "frozenset":
        for (const item of v.items) stack.push(item);
        break;
      case "dict":
        for (const [k, val] of v.items) stack.push(k, val);
        break;
      case "object":
        stack.push(v.value);
        for (const item of v.items ?? []) {
          if (Array.isArray(item)) stack.push(item[0], item[1]);
          else stack.push(item);
        }
        break;
    }
  }
  return out;
}

/** v itself, or the node a ref points at (a dangling ref stays as it is). */
export function deref(v: PyValue, shared: ReadonlyMap<number, PyValue>): PyValue {
  return v.type === "ref" ? (shared.get(v.id) ?? v) : v;
}
