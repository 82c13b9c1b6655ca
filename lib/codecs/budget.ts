import type { PyValue } from "./pyvalue";
import type { DecodeLimits, LimitHit, LimitKind } from "./types";

/** A decode stopped by a limit: decodeEntry turns it into an "undecodable" answer that names the limit. */
export class LimitError extends Error {
  constructor(
    readonly kind: LimitKind,
    message: string,
  ) {
    super(message);
  }
}

/** Counts work units; throws a "work" LimitError past the limit. Shared by the unpickler and the converter. */
export class Work {
  private used = 0;

  constructor(private readonly max: number) {}

  spend(units: number): void {
    this.used += units;
    if (this.used > this.max) throw new LimitError("work", `decoding needs more than ${this.max} work units (see maxWork)`);
  }

  /** Work for handling `chars` characters (or bytes) in bulk: hashing, encoding, copying. */
  chars(chars: number): void {
    this.spend(Math.ceil(chars / 64));
  }

  get spent(): number {
    return this.used;
  }
}

/** The JSON size of a leaf PyValue, roughly (what maxOutputBytes counts); containers count CONTAINER_BYTES. */
export function leafBytes(v: PyValue): number {
  switch (v.type) {
    case "str":
      return 28 + v.value.length;
    case "bytes":
    case "bytearray":
      return 48 + v.base64.length;
    case "int":
    case "decimal":
    case "uuid":
    case "datetime":
    case "date":
    case "time":
    case "timedelta":
      return 28 + v.value.length;
    default:
      return 24;
  }
}

export const CONTAINER_BYTES = 28;

/**
 * Counts PyValue nodes, their estimated JSON bytes and depth while a value is built, so a huge or deeply nested value
 * is cut, not fatal; and the work of building it.
 */
export class Budget {
  private nodes = 0;
  private bytes = 0;
  /** Set once anything was replaced by a {"type":"truncated"} node. */
  truncated = false;
  /** The first limit that cut something. */
  cutBy: LimitKind | null = null;
  readonly work: Work;

  constructor(
    private readonly limits: Pick<DecodeLimits, "maxNodes" | "maxDepth"> & Partial<Pick<DecodeLimits, "maxOutputBytes">>,
    work?: Work,
  ) {
    this.work = work ?? new Work(Number.MAX_SAFE_INTEGER);
  }

  /** Claims `nodes` nodes of `bytes` bytes at this depth; false means: emit cut() instead. */
  take(depth: number, bytes = CONTAINER_BYTES, nodes = 1): boolean {
    let over: LimitKind | null = null;
    if (depth > this.limits.maxDepth) over = "depth";
    else if (this.nodes + nodes > this.limits.maxNodes) over = "nodes";
    else if (this.bytes + bytes > (this.limits.maxOutputBytes ?? Infinity)) over = "bytes";
    if (over !== null) {
      this.cutBy ??= over;
      return false;
    }
    this.nodes += nodes;
    this.bytes += bytes;
    return true;
  }

  /** Claims a leaf already built (JSON, msgpack). */
  takeLeaf(depth: number, v: PyValue): boolean {
    return this.take(depth, leafBytes(v));
  }

  /** What has been claimed so far (a converter measures a subtree by the difference). */
  get usage(): { nodes: number; bytes: number } {
    return { nodes: this.nodes, bytes: this.bytes };
  }

  cut(omitted: number): PyValue {
    this.truncated = true;
    return { type: "truncated", omitted };
  }

  /** How the cut is reported, null when nothing was cut. */
  hit(): LimitHit | null {
    if (!this.truncated) return null;
    const kind = this.cutBy ?? "nodes";
    const what: Record<string, string> = {
      depth: `nesting deeper than ${this.limits.maxDepth} levels`,
      nodes: `more than ${this.limits.maxNodes} values`,
      bytes: `more than ${this.limits.maxOutputBytes} bytes of output`,
    };
    return { kind, message: `the value was cut: ${what[kind] ?? kind}` };
  }
}
