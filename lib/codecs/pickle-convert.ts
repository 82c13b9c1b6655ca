import { CONTAINER_BYTES, type Budget } from "./budget";
import { qualName, type PNode, type PObj } from "./pickle-model";
import { compareCodePoints, pyRepr } from "./pyrepr";
import type { PyValue } from "./pyvalue";
import { dateFromState, datetimeIso, timedeltaSeconds, timeFromState, wallFromDatetimeState, type TzInfo } from "./pytime";

/**
 * Turns the unpickler's object model into PyValue, following shared/vectors/README.md "Rules for object": known
 * standard-library classes become builtin PyValues, everything else an object carrying its pickled state.
 * A node reached again (a memo GET, a cycle) is converted once: a small one is repeated (as Python's repr would show
 * it), a larger one becomes {"type":"ref","id":n} to its first occurrence, which gets "id": n. So the output is
 * bounded by the Budget (nodes, bytes) whatever the pickle shares.
 */

/** Dict subclasses that may be pickled without any SETITEMS (when empty) but still carry "items". */
const DICT_SUBCLASSES: ReadonlySet<string> = new Set([
  "collections.OrderedDict",
  "collections.defaultdict",
  "collections.Counter",
  "http.cookies.SimpleCookie",
  "http.cookies.BaseCookie",
  "http.cookies.Morsel",
  "django.utils.datastructures.MultiValueDict",
  "django.http.request.QueryDict",
]);

const EMPTY_STATE: PyValue = { type: "dict", items: [] };

/** A repeated node whose output is at most this many (estimated JSON) bytes is written out again, not referenced. */
export const REPEAT_MAX_BYTES = 256;
/** Characters of repr compared when sorting set members (Python sorts nothing; we sort by repr for display). */
const SORT_REPR_CHARS = 128;
const SURROGATE = /[\ud800-\udfff]/;
const REF_BYTES = 28;

interface Seen {
  /** undefined while the node is being converted (reaching it then is a cycle). */
  out?: PyValue;
  nodes: number;
  bytes: number;
  id?: number;
}

export function toPyValue(root: PNode, budget: Budget): PyValue {
  return new Converter(budget).convert(root, 0);
}

class Converter {
  private readonly seen = new Map<PNode, Seen>();
  private readonly byId = new Map<number, PyValue>();
  private nextId = 0;

  constructor(private readonly budget: Budget) {}

  convert(n: PNode, depth: number): PyValue {
    const seen = this.seen.get(n);
    if (seen !== undefined) return this.again(n, seen, depth);
    if (!this.budget.take(depth, leafCost(n))) return this.budget.cut(1);
    const record: Seen = { nodes: 0, bytes: 0 };
    this.seen.set(n, record);
    const before = this.budget.usage;
    const out = this.convertNode(n, depth);
    const after = this.budget.usage;
    if (out.type === "truncated") {
      this.seen.delete(n);
      return out;
    }
    record.out = out;
    record.nodes = after.nodes - before.nodes + 1;
    record.bytes = after.bytes - before.bytes + leafCost(n);
    // A cycle reached this node while it was being built: it referenced it before it existed.
    if (record.id !== undefined) this.label(out, record.id);
    return out;
  }

  private again(n: PNode, seen: Seen, depth: number): PyValue {
    if (seen.out === undefined) {
      seen.id ??= ++this.nextId;
      return this.ref(seen.id, depth);
    }
    if (seen.id === undefined && seen.bytes <= REPEAT_MAX_BYTES) {
      if (!this.budget.take(depth, seen.bytes, seen.nodes)) return this.budget.cut(1);
      return seen.out;
    }
    if (seen.id === undefined) {
      seen.id = ++this.nextId;
      this.label(seen.out, seen.id);
    }
    return this.ref(seen.id, depth);
  }

  private label(out: PyValue, id: number): void {
    (out as { id?: number }).id = id;
    this.byId.set(id, out);
  }

  private ref(id: number, depth: number): PyValue {
    return this.budget.take(depth, REF_BYTES) ? { type: "ref", id } : this.budget.cut(1);
  }

  private convertNode(n: PNode, depth: number): PyValue {
    switch (n.k) {
      case "none":
        return { type: "none" };
      case "bool":
        return { type: "bool", value: n.v };
      case "int":
        return { type: "int", value: n.v.toString() };
      case "float":
        return { type: "float", value: floatValue(n.v) };
      case "str":
        return { type: "str", value: n.v };
      case "bytes":
      case "bytearray":
        return { type: n.k, base64: Buffer.from(n.v.buffer, n.v.byteOffset, n.v.length).toString("base64"), length: n.v.length };
      case "list":
      case "tuple":
        return { type: n.k, items: this.list(n.items, depth) };
      case "set":
      case "frozenset": {
        const items = this.list(n.items, depth);
        let surrogates = false;
        const keyed = items.map((v) => {
          const r = pyRepr(v, SORT_REPR_CHARS, (id) => this.byId.get(id));
          this.budget.work.chars(r.length);
          surrogates ||= SURROGATE.test(r);
          return { v, r };
        });
        // UTF-16 order is code point order unless a surrogate is involved; the native comparison is much faster.
        keyed.sort(surrogates ? (a, b) => compareCodePoints(a.r, b.r) : (a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0));
        return { type: n.k, items: keyed.map((x) => x.v) };
      }
      case "dict":
        return { type: "dict", items: this.pairs(n.items, depth) };
      case "global":
      case "attr":
        return this.named(n);
      case "obj":
        return this.object(n, depth);
    }
  }

  private list(items: PNode[], depth: number): PyValue[] {
    const out: PyValue[] = [];
    for (let i = 0; i < items.length; i++) {
      const v = this.convert(items[i], depth + 1);
      if (v.type === "truncated" && v.omitted > 0) {
        out.push(this.budget.cut(items.length - i));
        break;
      }
      out.push(v);
    }
    return out;
  }

  private pairs(items: [PNode, PNode][], depth: number): [PyValue, PyValue][] {
    const out: [PyValue, PyValue][] = [];
    for (let i = 0; i < items.length; i++) {
      const k = this.convert(items[i][0], depth + 1);
      const v = this.convert(items[i][1], depth + 1);
      out.push([k, v]);
      if ((k.type === "truncated" && k.omitted > 0) || (v.type === "truncated" && v.omitted > 0)) {
        if (i + 1 < items.length) out.push([this.budget.cut(items.length - i - 1), { type: "none" }]);
        break;
      }
    }
    return out;
  }

  /** A bare name as a value: an Enum member (getattr(cls, 'NAME')), or a class/function reference. */
  private named(n: Extract<PNode, { k: "global" | "attr" }>): PyValue {
    if (n.k === "attr") {
      const owner = qualName(n.owner);
      if (owner !== null) return { type: "object", class: owner, value: { type: "str", value: n.name } };
    }
    const name = qualName(n) ?? "?";
    return { type: "object", class: name, value: { type: "str", value: name } };
  }

  private object(o: PObj, depth: number): PyValue {
    const cls = qualName(o.callee);
    const known = cls === null ? null : knownClass(cls, o);
    if (known !== null) return known;
    const className = cls ?? "?";
    const value = this.stateOf(o, depth);
    const out: PyValue = { type: "object", class: className, value };
    if (o.dictItems !== undefined || DICT_SUBCLASSES.has(className)) {
      out.items = this.pairs(o.dictItems ?? [], depth);
    } else if (o.listItems !== undefined) {
      out.items = this.list(o.listItems, depth);
    }
    return out;
  }

  private stateOf(o: PObj, depth: number): PyValue {
    // str/bytes/int/float subclasses (SafeString, ...) are created from their plain value: that is their value.
    if (o.isNew && o.args.length === 1 && ["str", "bytes", "bytearray", "int", "float"].includes(o.args[0].k)) {
      return this.convert(o.args[0], depth + 1);
    }
    if (o.state === undefined || o.state.k === "none") {
      // A call with arguments and no state (an Enum member pickled as Color(1), a custom __reduce__): the arguments
      // are all the bytes say about it, so show them rather than an empty state.
      if (!o.isNew && o.args.length > 0) {
        return o.args.length === 1 ? this.convert(o.args[0], depth + 1) : this.convert({ k: "tuple", items: o.args }, depth + 1);
      }
      return EMPTY_STATE;
    }
    return this.convert(o.state, depth + 1);
  }
}

/** Standard-library classes that have a builtin PyValue, from their constructor arguments or state. */
function knownClass(cls: string, o: PObj): PyValue | null {
  const a = o.args;
  switch (cls) {
    case "datetime.datetime": {
      const state = a[0];
      if (state?.k !== "bytes" && state?.k !== "str") return null;
      const w = wallFromDatetimeState(stateBytes(state));
      if (w === null) return null;
      return { type: "datetime", value: datetimeIso(w, a[1] === undefined ? null : tzInfo(a[1])) };
    }
    case "datetime.date": {
      const state = a[0];
      if (state?.k !== "bytes" && state?.k !== "str") return null;
      const v = dateFromState(stateBytes(state));
      return v === null ? null : { type: "date", value: v };
    }
    case "datetime.time": {
      const state = a[0];
      if (state?.k !== "bytes" && state?.k !== "str") return null;
      const v = timeFromState(stateBytes(state), a[1] === undefined ? null : tzInfo(a[1]));
      return v === null ? null : { type: "time", value: v };
    }
    case "datetime.timedelta": {
      if (a.length > 3 || a.some((x) => x.k !== "int")) return null;
      const [d, s, us] = [0, 1, 2].map((i) => (a[i]?.k === "int" ? a[i].v : BigInt(0)));
      return { type: "timedelta", value: timedeltaSeconds(d, s, us) };
    }
    case "decimal.Decimal":
      return a.length === 1 && a[0].k === "str" ? { type: "decimal", value: a[0].v } : null;
    case "uuid.UUID": {
      const int = stateEntry(o.state, "int");
      if (int?.k !== "int" || int.v < BigInt(0) || int.v >= BigInt(1) << BigInt(128)) return null;
      const hex = int.v.toString(16).padStart(32, "0");
      const value = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      return { type: "uuid", value };
    }
  }
  return null;
}

/** Estimated JSON bytes of a node itself, before it is built: a 1 MB str is refused before it is copied. */
function leafCost(n: PNode): number {
  switch (n.k) {
    case "str":
      return 28 + n.v.length;
    case "bytes":
    case "bytearray":
      return 48 + Math.ceil(n.v.length / 3) * 4;
    case "int":
      // Decimal digits of |v| are about 0.302 per bit (ints are at most 4300 digits: see unpickle.ts).
      return 28 + Math.ceil(n.v.toString(16).length * 1.21);
    case "obj":
    case "global":
    case "attr":
      return CONTAINER_BYTES + 48;
    default:
      return CONTAINER_BYTES;
  }
}

function floatValue(v: number): number | "nan" | "inf" | "-inf" {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return v;
}

/** Protocol 0–2 pickles under Python 2 compatibility may give the state as a latin-1 str. */
function stateBytes(n: Extract<PNode, { k: "str" }> | Extract<PNode, { k: "bytes" | "bytearray" }>): Uint8Array {
  return n.k === "str" ? new Uint8Array(Buffer.from(n.v, "latin1")) : n.v;
}

function stateEntry(state: PNode | undefined, key: string): PNode | undefined {
  if (state?.k !== "dict") return undefined;
  for (const [k, v] of state.items) if (k.k === "str" && k.v === key) return v;
  return undefined;
}

function intArg(n: PNode | undefined): number | null {
  return n?.k === "int" ? Number(n.v) : null;
}

function timedeltaOffset(n: PNode | undefined): number | null {
  if (n?.k !== "obj" || qualName(n.callee) !== "datetime.timedelta") return null;
  const [d, s, us] = [0, 1, 2].map((i) => intArg(n.args[i]) ?? 0);
  return d * 86400 + s + us / 1e6;
}

/** The tzinfo forms Django writes: pytz (3.2), datetime.timezone and zoneinfo (4.0+). */
export function tzInfo(n: PNode): TzInfo | null {
  if (n.k === "none") return null;
  if (n.k !== "obj") return { kind: "unknown" };
  const name = qualName(n.callee);
  const a = n.args;
  switch (name) {
    case "pytz._UTC":
      return { kind: "fixed", offsetSeconds: 0 };
    case "pytz._p": {
      const offset = intArg(a[1]);
      if (offset !== null) return { kind: "fixed", offsetSeconds: offset };
      if (a[0]?.k === "str") return a[0].v === "UTC" ? { kind: "fixed", offsetSeconds: 0 } : { kind: "zone", name: a[0].v };
      return { kind: "unknown" };
    }
    case "datetime.timezone": {
      const offset = timedeltaOffset(a[0]);
      return offset === null ? { kind: "unknown" } : { kind: "fixed", offsetSeconds: offset };
    }
    case "zoneinfo.ZoneInfo._unpickle":
    case "zoneinfo.ZoneInfo":
    case "backports.zoneinfo.ZoneInfo._unpickle":
      return a[0]?.k === "str" ? { kind: "zone", name: a[0].v } : { kind: "unknown" };
  }
  return { kind: "unknown" };
}
