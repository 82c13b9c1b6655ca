import { decodeUtf8SurrogatePass } from "./utf8";
import { Work } from "./budget";
import { Keys, qualName, type PDict, type PNode, type PObj, type PSet } from "./pickle-model";

/**
 * A safe unpickler for protocols 0–5. It never imports or calls anything: globals become names and calls become
 * `obj` nodes (see pickle-model.ts). Every length is checked against the remaining input before anything is
 * allocated, and the work is bounded: linear in the input, plus what memoized references could multiply (set and
 * dict insertion, copies, encodes), which is counted on a Work budget. Any bytes end in a value or an error.
 */

export class UnpickleError extends Error {}

export interface UnpickleResult {
  value: PNode;
  /** From the PROTO opcode; without one, 1 if a binary opcode appeared, else 0. */
  protocol: number;
  /** Offset just past the STOP opcode (a FileBasedCache file holds two pickles back to back). */
  end: number;
}

/** Python 3 maps Python 2 module names on load (fix_imports); only the ones a Django cache meets. */
const MODULE_ALIASES: ReadonlyMap<string, string> = new Map([
  ["__builtin__", "builtins"],
  ["copy_reg", "copyreg"],
]);

/** Python's default limit on decimal digits of an int (sys.int_info.default_max_str_digits). */
const MAX_INT_DIGITS = 4300;
/** A LONG1/LONG4 of this many bytes already exceeds MAX_INT_DIGITS decimal digits. */
const MAX_LONG_BYTES = 1800;

const NONE: PNode = { k: "none" };

/** Work allowed when the caller gives no budget (readFileExpiry's few bytes). */
const DEFAULT_WORK = 1_000_000;

export function unpickle(bytes: Uint8Array, work: Work = new Work(DEFAULT_WORK)): UnpickleResult {
  return new Machine(bytes, work).run();
}

class Machine {
  private pos = 0;
  private stack: PNode[] = [];
  private marks: number[] = [];
  private memo = new Map<number, PNode>();
  private protocol = -1;
  private sawBinary = false;

  private readonly dv: DataView;
  private readonly keys: Keys;

  constructor(
    private readonly data: Uint8Array,
    work: Work,
  ) {
    this.keys = new Keys(work);
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  run(): UnpickleResult {
    for (;;) {
      if (this.pos >= this.data.length) throw new UnpickleError("pickle data was truncated (no STOP)");
      const op = this.data[this.pos++];
      if (op === 0x2e) {
        // STOP
        const value = this.pop();
        const protocol = this.protocol >= 0 ? this.protocol : this.sawBinary ? 1 : 0;
        return { value, protocol, end: this.pos };
      }
      this.step(op);
    }
  }

  private step(op: number): void {
    switch (op) {
      case 0x28: // MARK
        this.marks.push(this.stack.length);
        return;
      case 0x30: // POP
        if (this.stack.length > this.topMark()) this.pop();
        else this.popMark();
        return;
      case 0x31: // POP_MARK
        this.popMark();
        return;
      case 0x32: // DUP
        this.push(this.peek());
        return;
      case 0x46: // FLOAT
        this.push({ k: "float", v: parsePyFloat(this.readLine()) });
        return;
      case 0x49: {
        // INT: also the protocol 0 bools I01 / I00
        const line = this.readLine();
        if (line === "01") this.push({ k: "bool", v: true });
        else if (line === "00") this.push({ k: "bool", v: false });
        else this.push({ k: "int", v: parseDecimalInt(line) });
        return;
      }
      case 0x4c: // LONG
        this.push({ k: "int", v: parseDecimalInt(this.readLine().replace(/L$/, "")) });
        return;
      case 0x4a: // BININT
        this.bin();
        this.push({ k: "int", v: BigInt(this.dv.getInt32(this.advance(4), true)) });
        return;
      case 0x4b: // BININT1
        this.bin();
        this.push({ k: "int", v: BigInt(this.readByte()) });
        return;
      case 0x4d: // BININT2
        this.bin();
        this.push({ k: "int", v: BigInt(this.dv.getUint16(this.advance(2), true)) });
        return;
      case 0x8a: // LONG1
        this.push({ k: "int", v: this.readLong(this.readByte()) });
        return;
      case 0x8b: // LONG4
        this.push({ k: "int", v: this.readLong(this.readInt32Len()) });
        return;
      case 0x47: // BINFLOAT
        this.bin();
        this.push({ k: "float", v: this.dv.getFloat64(this.advance(8), false) });
        return;
      case 0x4e: // NONE
        this.push(NONE);
        return;
      case 0x88: // NEWTRUE
        this.push({ k: "bool", v: true });
        return;
      case 0x89: // NEWFALSE
        this.push({ k: "bool", v: false });
        return;
      case 0x50: // PERSID
      case 0x51: // BINPERSID
        throw new UnpickleError("persistent IDs are not supported");
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
        throw new UnpickleError("extension codes (copyreg registry) are not supported");
      case 0x97: // NEXT_BUFFER
        throw new UnpickleError("out-of-band buffers are not supported");
      case 0x98: // READONLY_BUFFER: only changes mutability
        this.peek();
        return;
      case 0x53: // STRING: a Python 2 str repr, decoded the way Python 3 does (to str)
        this.push({ k: "str", v: unquotePy2String(this.readLine()) });
        return;
      case 0x54: // BINSTRING
        this.bin();
        this.push({ k: "str", v: latin1(this.take(this.readInt32Len())) });
        return;
      case 0x55: // SHORT_BINSTRING
        this.bin();
        this.push({ k: "str", v: latin1(this.take(this.readByte())) });
        return;
      case 0x56: // UNICODE (raw-unicode-escape, one line)
        this.push({ k: "str", v: rawUnicodeEscape(this.readLineBytes()) });
        return;
      case 0x58: // BINUNICODE
        this.bin();
        this.push({ k: "str", v: this.text(this.take(this.readInt32Len())) });
        return;
      case 0x8c: // SHORT_BINUNICODE
        this.push({ k: "str", v: this.text(this.take(this.readByte())) });
        return;
      case 0x8d: // BINUNICODE8
        this.push({ k: "str", v: this.text(this.take(this.readLen8())) });
        return;
      case 0x42: // BINBYTES
        this.push({ k: "bytes", v: this.take(this.readInt32Len()).slice() });
        return;
      case 0x43: // SHORT_BINBYTES
        this.push({ k: "bytes", v: this.take(this.readByte()).slice() });
        return;
      case 0x8e: // BINBYTES8
        this.push({ k: "bytes", v: this.take(this.readLen8()).slice() });
        return;
      case 0x96: // BYTEARRAY8
        this.push({ k: "bytearray", v: this.take(this.readLen8()).slice() });
        return;
      case 0x29: // EMPTY_TUPLE
        this.bin();
        this.push({ k: "tuple", items: [] });
        return;
      case 0x85: // TUPLE1
        this.push({ k: "tuple", items: [this.pop()] });
        return;
      case 0x86: {
        // TUPLE2
        const b = this.pop();
        const a = this.pop();
        this.push({ k: "tuple", items: [a, b] });
        return;
      }
      case 0x87: {
        // TUPLE3
        const c = this.pop();
        const b = this.pop();
        const a = this.pop();
        this.push({ k: "tuple", items: [a, b, c] });
        return;
      }
      case 0x74: // TUPLE
        this.push({ k: "tuple", items: this.popMark() });
        return;
      case 0x5d: // EMPTY_LIST
        this.bin();
        this.push({ k: "list", items: [] });
        return;
      case 0x6c: // LIST
        this.push({ k: "list", items: this.popMark() });
        return;
      case 0x7d: // EMPTY_DICT
        this.bin();
        this.push({ k: "dict", items: [] });
        return;
      case 0x64: {
        // DICT
        const d: PDict = { k: "dict", items: [] };
        setItems(d, pairsOf(this.popMark()), this.keys);
        this.push(d);
        return;
      }
      case 0x8f: // EMPTY_SET
        this.push({ k: "set", items: [] });
        return;
      case 0x91: {
        // FROZENSET
        const s: PSet = { k: "frozenset", items: [] };
        addMembers(s, this.popMark(), this.keys);
        this.push(s);
        return;
      }
      case 0x90: {
        // ADDITEMS
        const items = this.popMark();
        const target = this.peek();
        if (target.k !== "set" && target.k !== "frozenset") {
          if (target.k !== "obj") throw new UnpickleError("ADDITEMS on a non-set");
          pushAll((target.listItems ??= []), items);
        } else addMembers(target, items, this.keys);
        return;
      }
      case 0x61: {
        // APPEND
        const item = this.pop();
        appendTo(this.peek(), [item]);
        return;
      }
      case 0x65: {
        // APPENDS
        const items = this.popMark();
        appendTo(this.peek(), items);
        return;
      }
      case 0x73: {
        // SETITEM
        const v = this.pop();
        const k = this.pop();
        setItemsOn(this.peek(), [[k, v]], this.keys);
        return;
      }
      case 0x75: {
        // SETITEMS
        const pairs = pairsOf(this.popMark());
        setItemsOn(this.peek(), pairs, this.keys);
        return;
      }
      case 0x62: {
        // BUILD
        const state = this.pop();
        const target = this.peek();
        if (target.k !== "obj") throw new UnpickleError(`BUILD on a ${target.k}`);
        target.state = state;
        return;
      }
      case 0x63: {
        // GLOBAL
        const moduleName = this.readLine();
        const name = this.readLine();
        this.push(makeGlobal(moduleName, name));
        return;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = this.pop();
        const moduleName = this.pop();
        if (moduleName.k !== "str" || name.k !== "str") throw new UnpickleError("STACK_GLOBAL needs two str");
        this.push(makeGlobal(moduleName.v, name.v));
        return;
      }
      case 0x52: {
        // REDUCE
        const args = this.pop();
        const callee = this.pop();
        if (args.k !== "tuple") throw new UnpickleError("REDUCE arguments are not a tuple");
        this.push(call(callee, args.items, false, this.keys));
        return;
      }
      case 0x81: {
        // NEWOBJ
        const args = this.pop();
        const cls = this.pop();
        if (args.k !== "tuple") throw new UnpickleError("NEWOBJ arguments are not a tuple");
        this.push(call(cls, args.items, true, this.keys));
        return;
      }
      case 0x92: {
        // NEWOBJ_EX
        const kwargs = this.pop();
        const args = this.pop();
        const cls = this.pop();
        if (args.k !== "tuple") throw new UnpickleError("NEWOBJ_EX arguments are not a tuple");
        const obj: PObj = { k: "obj", callee: cls, args: args.items, isNew: true };
        if (kwargs.k !== "dict" || kwargs.items.length > 0) obj.kwargs = kwargs;
        this.push(obj);
        return;
      }
      case 0x69: {
        // INST
        const moduleName = this.readLine();
        const name = this.readLine();
        this.push(call(makeGlobal(moduleName, name), this.popMark(), true, this.keys));
        return;
      }
      case 0x6f: {
        // OBJ
        const items = this.popMark();
        if (items.length === 0) throw new UnpickleError("OBJ without a class");
        this.push(call(items[0], items.slice(1), true, this.keys));
        return;
      }
      case 0x80: {
        // PROTO
        const p = this.readByte();
        if (p > 5) throw new UnpickleError(`unsupported pickle protocol ${p}`);
        this.protocol = p;
        return;
      }
      case 0x95: // FRAME: framing only groups opcodes; reading the length checks it is sane
        this.readLen8();
        return;
      case 0x94: // MEMOIZE
        this.memo.set(this.memo.size, this.peek());
        return;
      case 0x70: // PUT
        this.memo.set(this.readIndexLine(), this.peek());
        return;
      case 0x71: // BINPUT
        this.bin();
        this.memo.set(this.readByte(), this.peek());
        return;
      case 0x72: // LONG_BINPUT
        this.bin();
        this.memo.set(this.dv.getUint32(this.advance(4), true), this.peek());
        return;
      case 0x67: // GET
        this.push(this.memoGet(this.readIndexLine()));
        return;
      case 0x68: // BINGET
        this.bin();
        this.push(this.memoGet(this.readByte()));
        return;
      case 0x6a: // LONG_BINGET
        this.bin();
        this.push(this.memoGet(this.dv.getUint32(this.advance(4), true)));
        return;
      default:
        throw new UnpickleError(`invalid load key 0x${op.toString(16).padStart(2, "0")} at offset ${this.pos - 1}`);
    }
  }

  private bin(): void {
    this.sawBinary = true;
  }

  private push(n: PNode): void {
    this.stack.push(n);
  }

  private topMark(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1] : 0;
  }

  private pop(): PNode {
    if (this.stack.length <= this.topMark()) throw new UnpickleError("stack underflow");
    return this.stack.pop() as PNode;
  }

  private peek(): PNode {
    if (this.stack.length <= this.topMark()) throw new UnpickleError("stack underflow");
    return this.stack[this.stack.length - 1];
  }

  private popMark(): PNode[] {
    const mark = this.marks.pop();
    if (mark === undefined) throw new UnpickleError("could not find MARK");
    return this.stack.splice(mark);
  }

  private memoGet(i: number): PNode {
    const n = this.memo.get(i);
    if (n === undefined) throw new UnpickleError(`memo key ${i} not found`);
    return n;
  }

  private readByte(): number {
    if (this.pos >= this.data.length) throw new UnpickleError("pickle data was truncated");
    return this.data[this.pos++];
  }

  /** Checks the length against what is left before any allocation happens. */
  private take(n: number): Uint8Array {
    if (n < 0 || n > this.data.length - this.pos) throw new UnpickleError("pickle data was truncated");
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Checks that n bytes remain, moves past them and returns where they start (for reads through dv). */
  private advance(n: number): number {
    if (n > this.data.length - this.pos) throw new UnpickleError("pickle data was truncated");
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private readInt32Len(): number {
    const n = this.dv.getInt32(this.advance(4), true);
    if (n < 0) throw new UnpickleError("negative length");
    return n;
  }

  private readLen8(): number {
    const at = this.advance(8);
    const lo = this.dv.getUint32(at, true);
    const hi = this.dv.getUint32(at + 4, true);
    // Anything past 2^32 bytes is beyond any input we accept: the take() check would fail anyway.
    if (hi !== 0) throw new UnpickleError("pickle data was truncated");
    return lo;
  }

  private readLong(n: number): bigint {
    if (n > MAX_LONG_BYTES) throw new UnpickleError("integer too large");
    const b = this.take(n);
    return longFromBytes(b);
  }

  private text(b: Uint8Array): string {
    const s = decodeUtf8SurrogatePass(b);
    if (s === null) throw new UnpickleError("'utf-8' codec can't decode a str");
    return s;
  }

  private readLineBytes(): Uint8Array {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) throw new UnpickleError("pickle data was truncated (no newline)");
    const line = this.data.subarray(this.pos, end);
    this.pos = end + 1;
    return line;
  }

  private readLine(): string {
    return latin1(this.readLineBytes());
  }

  private readIndexLine(): number {
    const line = this.readLine();
    if (!/^\d{1,10}$/.test(line)) throw new UnpickleError("invalid memo index");
    return Number(line);
  }
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString("latin1");
}

/** Little-endian two's complement, as pickle.decode_long. */
export function longFromBytes(b: Uint8Array): bigint {
  if (b.length === 0) return BigInt(0);
  const hex = Buffer.from(b).reverse().toString("hex");
  let v = BigInt(`0x${hex}`);
  if (b[b.length - 1] & 0x80) v -= BigInt(1) << BigInt(8 * b.length);
  return v;
}

/** Python's int() on ASCII text: optional sign, digits with single underscores; surrounding whitespace. */
export function parseDecimalInt(text: string): bigint {
  const m = /^[ \t\n\r\v\f]*([+-]?)(\d+(?:_\d+)*)[ \t\n\r\v\f]*$/.exec(text);
  if (!m) throw new UnpickleError(`invalid literal for int(): ${JSON.stringify(text.slice(0, 40))}`);
  const digits = m[2].replace(/_/g, "");
  if (digits.length > MAX_INT_DIGITS) throw new UnpickleError("integer too large");
  const v = BigInt(digits);
  return m[1] === "-" ? -v : v;
}

/** Python's float() on the text of a FLOAT opcode. */
function parsePyFloat(text: string): number {
  const t = text.trim().toLowerCase();
  if (/^[+-]?(nan)$/.test(t)) return NaN;
  if (/^[+]?(inf|infinity)$/.test(t)) return Infinity;
  if (/^-(inf|infinity)$/.test(t)) return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) throw new UnpickleError("invalid float");
  return Number(t);
}

/** Decodes raw-unicode-escape: bytes are Latin-1, except \uXXXX and \UXXXXXXXX escapes. */
function rawUnicodeEscape(b: Uint8Array): string {
  const s = latin1(b);
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, u4: string | undefined, u8: string | undefined) => {
    const cp = parseInt(u4 ?? (u8 as string), 16);
    if (cp > 0x10ffff) throw new UnpickleError("\\U escape out of range");
    return String.fromCodePoint(cp);
  });
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "\n": "",
};

/** The STRING opcode holds a quoted Python 2 str repr. */
function unquotePy2String(line: string): string {
  const q = line[0];
  if (line.length < 2 || (q !== "'" && q !== '"') || line[line.length - 1] !== q) {
    throw new UnpickleError("the STRING opcode argument must be quoted");
  }
  const body = line.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|[\s\S])/g, (m, e: string) => {
    if (e[0] === "x") return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
    return Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, e) ? SIMPLE_ESCAPES[e] : m;
  });
}

function makeGlobal(moduleName: string, name: string): PNode {
  return { k: "global", module: MODULE_ALIASES.get(moduleName) ?? moduleName, name };
}

/** push(...items) passes every item as an argument and overflows the stack for very long runs. */
function pushAll<T>(target: T[], items: T[]): void {
  for (const item of items) target.push(item);
}

function pairsOf(flat: PNode[]): [PNode, PNode][] {
  if (flat.length % 2 !== 0) throw new UnpickleError("odd number of items for SETITEMS");
  const pairs: [PNode, PNode][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  return pairs;
}

/** Below this size a dict finds repeated keys by scanning; above it, through an index of hashKey()s. */
const INDEX_FROM = 8;

function sameKey(a: PNode, b: PNode, keys: Keys): boolean {
  if (a === b) return keys.of(a) !== null;
  if (a.k === "str" && b.k === "str") {
    keys.work.chars(Math.min(a.v.length, b.v.length));
    return a.v === b.v;
  }
  if (a.k === "str" || b.k === "str") return false;
  const h = keys.of(a);
  return h !== null && h === keys.of(b);
}

/** Dict assignment with Python semantics: an equal key keeps its place and takes the new value. */
function setItems(d: PDict, pairs: [PNode, PNode][], keys: Keys): void {
  for (const pair of pairs) {
    keys.work.spend(1);
    if (d.index === undefined && d.items.length < INDEX_FROM) {
      const at = d.items.findIndex((item) => sameKey(item[0], pair[0], keys));
      if (at < 0) d.items.push(pair);
      else d.items[at] = [d.items[at][0], pair[1]];
      continue;
    }
    if (d.index === undefined) {
      d.index = new Map();
      d.items.forEach((item, i) => {
        const h = keys.of(item[0]);
        if (h !== null) d.index?.set(h, i);
      });
    }
    const h = keys.of(pair[0]);
    if (h === null) {
      d.items.push(pair);
      continue;
    }
    const at = d.index.get(h);
    if (at === undefined) {
      d.index.set(h, d.items.length);
      d.items.push(pair);
    } else d.items[at] = [d.items[at][0], pair[1]];
  }
}

function setItemsOn(target: PNode, pairs: [PNode, PNode][], keys: Keys): void {
  if (target.k === "dict") setItems(target, pairs, keys);
  else if (target.k === "obj") pushAll((target.dictItems ??= []), pairs);
  else throw new UnpickleError(`SETITEM on a ${target.k}`);
}

function appendTo(target: PNode, items: PNode[]): void {
  if (target.k === "list") pushAll(target.items, items);
  else if (target.k === "obj") pushAll((target.listItems ??= []), items);
  else throw new UnpickleError(`APPEND on a ${target.k}`);
}

function addMembers(s: PSet, items: PNode[], keys: Keys): void {
  keys.work.spend(items.length);
  for (const item of items) {
    const h = keys.of(item);
    if (h !== null) {
      s.index ??= new Map();
      if (s.index.has(h)) continue;
      s.index.set(h, s.items.length);
    }
    s.items.push(item);
  }
}

/** Bytes from `_codecs.encode(text, encoding)`: how protocols 0–2 pickle bytes. */
function encodeText(text: PNode, encoding: PNode | undefined, keys: Keys): Uint8Array {
  if (text.k !== "str") throw new UnpickleError("_codecs.encode of a non-str");
  keys.work.chars(text.v.length);
  const enc = encoding?.k === "str" ? encoding.v.toLowerCase().replace(/[-_]/g, "") : "utf8";
  if (enc === "latin1" || enc === "iso88591" || enc === "l1") {
    const out = new Uint8Array(text.v.length);
    for (let i = 0; i < text.v.length; i++) {
      const c = text.v.charCodeAt(i);
      if (c > 0xff) throw new UnpickleError("'latin-1' codec can't encode character");
      out[i] = c;
    }
    return out;
  }
  if (enc === "utf8" || enc === "ascii") return new Uint8Array(Buffer.from(text.v, "utf8"));
  throw new UnpickleError(`_codecs.encode with ${enc} is not supported`);
}

function iterableItems(n: PNode | undefined): PNode[] | null {
  if (n === undefined) return [];
  if (n.k === "list" || n.k === "tuple" || n.k === "set" || n.k === "frozenset") return n.items;
  return null;
}

function bytesArg(n: PNode | undefined, encoding: PNode | undefined, keys: Keys): Uint8Array | null {
  if (n === undefined) return new Uint8Array(0);
  // Shared, not copied: nothing here ever writes to a node's bytes.
  if (n.k === "bytes" || n.k === "bytearray") return n.v;
  if (n.k === "str") return encodeText(n, encoding, keys);
  return null;
}

/**
 * REDUCE / NEWOBJ. A handful of callables only rebuild plain data (bytes, sets, getattr, copyreg helpers): they are
 * resolved here, without running anything. Every other call becomes an `obj` node for the converter.
 */
function call(callee: PNode, args: PNode[], isNew: boolean, keys: Keys): PNode {
  const name = qualName(callee);
  switch (name) {
    case "_codecs.encode":
      if (args.length >= 1) return { k: "bytes", v: encodeText(args[0], args[1], keys) };
      break;
    case "builtins.getattr":
      if (args.length === 2 && args[1].k === "str") return { k: "attr", owner: args[0], name: args[1].v };
      break;
    case "copyreg._reconstructor":
      // Protocols 0–1: (cls, base, base(obj)). A dict or list base carries the subclass's items.
      if (args.length === 3) {
        const [cls, base, state] = args;
        const baseName = qualName(base);
        if ((baseName === "builtins.dict" && state.k === "dict") || (baseName === "builtins.list" && state.k === "list")) {
          keys.work.spend(state.items.length);
        }
        if (baseName === "builtins.dict" && state.k === "dict") {
          return { k: "obj", callee: cls, args: [], isNew: true, dictItems: [...state.items] };
        }
        if (baseName === "builtins.list" && state.k === "list") {
          return { k: "obj", callee: cls, args: [], isNew: true, listItems: [...state.items] };
        }
        return { k: "obj", callee: cls, args: state.k === "none" ? [] : [state], isNew: true };
      }
      break;
    case "copyreg.__newobj__":
      if (args.length >= 1) return { k: "obj", callee: args[0], args: args.slice(1), isNew: true };
      break;
    case "copyreg.__newobj_ex__":
      if (args.length === 3 && args[1].k === "tuple") {
        return { k: "obj", callee: args[0], args: args[1].items, kwargs: args[2], isNew: true };
      }
      break;
    case "builtins.set":
    case "builtins.frozenset": {
      const items = iterableItems(args[0]);
      if (items !== null && args.length <= 1) {
        const s: PSet = { k: name === "builtins.set" ? "set" : "frozenset", items: [] };
        addMembers(s, items, keys);
        return s;
      }
      break;
    }
    case "builtins.list":
    case "builtins.tuple": {
      const items = iterableItems(args[0]);
      if (items !== null && args.length <= 1) {
        keys.work.spend(items.length);
        return { k: name === "builtins.list" ? "list" : "tuple", items: [...items] };
      }
      break;
    }
    case "builtins.bytes":
    case "builtins.bytearray": {
      const b = args.length <= 2 ? bytesArg(args[0], args[1], keys) : null;
      if (b !== null) return { k: name === "builtins.bytes" ? "bytes" : "bytearray", v: b };
      break;
    }
  }
  return { k: "obj", callee, args, isNew };
}
