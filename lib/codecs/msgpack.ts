import { CONTAINER_BYTES, leafBytes, type Budget } from "./budget";
import type { PyValue } from "./pyvalue";

/**
 * msgpack → PyValue as Python's `msgpack.unpackb(data, raw=False)` gives it (django-redis MSGPackSerializer).
 * A small decoder of our own rather than @msgpack/msgpack: that one builds JS objects for maps, which reorders
 * integer-like keys, drops non-string keys and rejects "__proto__"; maps here are arrays of pairs.
 */

export class MsgpackError extends Error {}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function parseMsgpack(data: Uint8Array, budget: Budget): PyValue {
  const r = new Reader(data, budget);
  const v = r.value(0);
  if (r.pos !== data.length) throw new MsgpackError("ExtraData: unpack(b) received extra data");
  return v;
}

function isCut(v: PyValue): boolean {
  return v.type === "truncated" && v.omitted > 0;
}

type Head = { t: "value"; v: PyValue } | { t: "array"; n: number } | { t: "map"; n: number };

class Reader {
  pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly d: Uint8Array,
    private readonly budget: Budget,
  ) {
    this.view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  }

  value(depth: number): PyValue {
    if (!this.budget.take(depth)) return this.budget.cut(this.skip(1));
    const h = this.head();
    if (h.t === "value") return this.budget.take(depth, Math.max(0, leafBytes(h.v) - CONTAINER_BYTES), 0) ? h.v : this.budget.cut(1);
    if (h.t === "array") {
      const items: PyValue[] = [];
      for (let i = 0; i < h.n; i++) {
        const v = this.value(depth + 1);
        if (isCut(v)) {
          items.push(this.budget.cut(1 + this.skip(h.n - i - 1)));
          break;
        }
        items.push(v);
      }
      return { type: "list", items };
    }
    const items: [PyValue, PyValue][] = [];
    for (let i = 0; i < h.n; i++) {
      const k = this.value(depth + 1);
      const v = isCut(k) ? this.budget.cut(this.skip(1)) : this.value(depth + 1);
      items.push([k, v]);
      if (isCut(k) || isCut(v)) {
        if (i + 1 < h.n) items.push([this.budget.cut(this.skip(2 * (h.n - i - 1))), { type: "none" }]);
        break;
      }
    }
    return { type: "dict", items };
  }

  /** Skips whole values iteratively (no recursion, nothing built); returns how many values it passed. */
  private skip(values: number): number {
    let pending = values;
    let count = 0;
    while (pending > 0) {
      pending--;
      count++;
      const h = this.head();
      if (h.t === "array") pending += h.n;
      else if (h.t === "map") pending += 2 * h.n;
    }
    return count;
  }

  private need(n: number): void {
    if (n > this.d.length - this.pos) throw new MsgpackError("Unpack failed: incomplete input");
  }

  private u8(): number {
    this.need(1);
    return this.d[this.pos++];
  }

  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  private bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.d.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  private str(n: number): PyValue {
    try {
      return { type: "str", value: utf8.decode(this.bytes(n)) };
    } catch (e) {
      if (e instanceof MsgpackError) throw e;
      throw new MsgpackError("invalid UTF-8 in a str");
    }
  }

  private bin(n: number): PyValue {
    const b = this.bytes(n);
    return { type: "bytes", base64: Buffer.from(b).toString("base64"), length: n };
  }

  private int(v: bigint | number): PyValue {
    return { type: "int", value: v.toString() };
  }

  private float(v: number): PyValue {
    if (Number.isNaN(v)) return { type: "float", value: "nan" };
    if (v === Infinity) return { type: "float", value: "inf" };
    if (v === -Infinity) return { type: "float", value: "-inf" };
    return { type: "float", value: v };
  }

  /** A container's element count must fit in the remaining input (each element takes at least one byte). */
  private count(n: number, per: number): number {
    this.need(n * per);
    return n;
  }

  private ext(n: number): PyValue {
    const code = this.view.getInt8((this.need(1), this.pos));
    this.pos++;
    const data = this.bytes(n);
    return {
      type: "object",
      class: code === -1 ? "msgpack.Timestamp" : "msgpack.ExtType",
      value: {
        type: "tuple",
        items: [
          { type: "int", value: String(code) },
          { type: "bytes", base64: Buffer.from(data).toString("base64"), length: n },
        ],
      },
    };
  }

  private head(): Head {
    const b = this.u8();
    const value = (v: PyValue): Head => ({ t: "value", v });
    if (b <= 0x7f) return value(this.int(b));
    if (b >= 0xe0) return value(this.int(b - 0x100));
    if ((b & 0xf0) === 0x80) return { t: "map", n: this.count(b & 0x0f, 2) };
    if ((b & 0xf0) === 0x90) return { t: "array", n: this.count(b & 0x0f, 1) };
    if ((b & 0xe0) === 0xa0) return value(this.str(b & 0x1f));
    switch (b) {
      case 0xc0:
        return value({ type: "none" });
      case 0xc2:
        return value({ type: "bool", value: false });
      case 0xc3:
        return value({ type: "bool", value: true });
      case 0xc4:
        return value(this.bin(this.u8()));
      case 0xc5:
        return value(this.bin(this.u16()));
      case 0xc6:
        return value(this.bin(this.u32()));
      case 0xc7:
        return value(this.ext(this.u8()));
      case 0xc8:
        return value(this.ext(this.u16()));
      case 0xc9:
        return value(this.ext(this.u32()));
      case 0xca: {
        this.need(4);
        const v = this.view.getFloat32(this.pos);
        this.pos += 4;
        return value(this.float(v));
      }
      case 0xcb: {
        this.need(8);
        const v = this.view.getFloat64(this.pos);
        this.pos += 8;
        return value(this.float(v));
      }
      case 0xcc:
        return value(this.int(this.u8()));
      case 0xcd:
        return value(this.int(this.u16()));
      case 0xce:
        return value(this.int(this.u32()));
      case 0xcf: {
        this.need(8);
        const v = this.view.getBigUint64(this.pos);
        this.pos += 8;
        return value(this.int(v));
      }
      case 0xd0:
        this.need(1);
        return value(this.int(this.view.getInt8(this.pos++)));
      case 0xd1: {
        this.need(2);
        const v = this.view.getInt16(this.pos);
        this.pos += 2;
        return value(this.int(v));
      }
      case 0xd2: {
        this.need(4);
        const v = this.view.getInt32(this.pos);
        this.pos += 4;
        return value(this.int(v));
      }
      case 0xd3: {
        this.need(8);
        const v = this.view.getBigInt64(this.pos);
        this.pos += 8;
        return value(this.int(v));
      }
      case 0xd4:
        return value(this.ext(1));
      case 0xd5:
        return value(this.ext(2));
      case 0xd6:
        return value(this.ext(4));
      case 0xd7:
        return value(this.ext(8));
      case 0xd8:
        return value(this.ext(16));
      case 0xd9:
        return value(this.str(this.u8()));
      case 0xda:
        return value(this.str(this.u16()));
      case 0xdb:
        return value(this.str(this.u32()));
      case 0xdc:
        return { t: "array", n: this.count(this.u16(), 1) };
      case 0xdd:
        return { t: "array", n: this.count(this.u32(), 1) };
      case 0xde:
        return { t: "map", n: this.count(this.u16(), 2) };
      case 0xdf:
        return { t: "map", n: this.count(this.u32(), 2) };
      default:
        throw new MsgpackError(`Unpack failed: invalid type byte 0x${b.toString(16)}`);
    }
  }
}
