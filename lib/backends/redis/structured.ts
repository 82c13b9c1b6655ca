import type { Cluster, Redis } from "ioredis";
import type { PyValue } from "@/lib/codecs/pyvalue";

/**
 * Bounded reads of non-string values (django-redis 6+ writes hashes, sets and sorted sets): the first `limit`
 * members only, each cut at `memberBytes`, so a million-member set costs one small round trip.
 * Members are shown as str when they are readable UTF-8, else as bytes (pickled members stay bytes).
 */

export interface StructuredRead {
  value: PyValue;
  /** Members (fields, elements, entries) the value holds in all. */
  total: number;
  shown: number;
  /** True when at least one member was cut at memberBytes. */
  membersCut: boolean;
}

export interface StructuredLimits {
  limit: number;
  memberBytes: number;
}

/** SCAN-family calls may return few members per call on big hashtable encodings: this bounds the calls. */
const MAX_SCAN_CALLS = 20;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

class MemberEncoder {
  cut = false;
  constructor(private readonly memberBytes: number) {}

  value(buf: Buffer): PyValue {
    const shown = buf.length > this.memberBytes ? buf.subarray(0, this.memberBytes) : buf;
    if (shown !== buf) this.cut = true;
    try {
      const text = strictUtf8.decode(shown);
      // Control characters (other than whitespace) mean binary data that happens to be valid UTF-8.
      if (!/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text)) return { type: "str", value: text };
    } catch {
      // Not UTF-8: shown as bytes below.
    }
    return { type: "bytes", base64: shown.toString("base64"), length: shown.length };
  }
}

function truncatedTail(total: number, shown: number): PyValue[] {
  return total > shown ? [{ type: "truncated", omitted: total - shown }] : [];
}

type ScanFn = (cursor: string) => Promise<[Buffer, Buffer[]]>;

/** Walks an HSCAN/SSCAN until `want` elements (flat reply items) or the end, within MAX_SCAN_CALLS calls. */
async function scanMembers(scan: ScanFn, want: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let cursor = "0";
  for (let calls = 0; calls < MAX_SCAN_CALLS; calls++) {
    const [next, items] = await scan(cursor);
    out.push(...items);
    cursor = next.toString("latin1");
    if (cursor === "0" || out.length >= want) break;
  }
  return out.slice(0, want);
}

export async function readStructured(
  client: Redis | Cluster,
  key: string,
  type: string,
  { limit, memberBytes }: StructuredLimits,
): Promise<StructuredRead | null> {
  const enc = new MemberEncoder(memberBytes);
  const done = (value: PyValue, total: number, shown: number): StructuredRead => ({
    value,
    total,
    shown,
    membersCut: enc.cut,
  });

  switch (type) {
    case "hash": {
      const total = await client.hlen(key);
      const flat = await scanMembers((c) => client.hscanBuffer(key, c, "COUNT", limit), limit * 2);
      const items: [PyValue, PyValue][] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) items.push([enc.value(flat[i]), enc.value(flat[i + 1])]);
      // A dict has no place for a marker among its pairs: the omitted count goes in as one last pair.
      const tail = truncatedTail(total, items.length);
      const withTail = tail.length ? [...items, [tail[0], { type: "none" }] as [PyValue, PyValue]] : items;
      return done({ type: "dict", items: withTail }, total, items.length);
    }
    case "set": {
      const total = await client.scard(key);
      const members = await scanMembers((c) => client.sscanBuffer(key, c, "COUNT", limit), limit);
      const items = members.map((m) => enc.value(m));
      return done({ type: "set", items: [...items, ...truncatedTail(total, items.length)] }, total, items.length);
    }
    case "zset": {
      const total = await client.zcard(key);
      const flat = await client.zrangeBuffer(key, "0", String(limit - 1), "WITHSCORES");
      const items: PyValue[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        items.push({ type: "tuple", items: [enc.value(flat[i]), score(flat[i + 1].toString("latin1"))] });
      }
      return done({ type: "list", items: [...items, ...truncatedTail(total, items.length)] }, total, items.length);
    }
    case "list": {
      const total = await client.llen(key);
      const elements = await client.lrangeBuffer(key, 0, limit - 1);
      const items = elements.map((e) => enc.value(e));
      return done({ type: "list", items: [...items, ...truncatedTail(total, items.length)] }, total, items.length);
    }
    case "stream": {
      const total = await client.xlen(key);
      const entries = await client.xrangeBuffer(key, "-", "+", "COUNT", limit);
      const items: PyValue[] = entries.map(([id, fields]) => {
        const pairs: [PyValue, PyValue][] = [];
        for (let i = 0; i + 1 < fields.length; i += 2) pairs.push([enc.value(fields[i]), enc.value(fields[i + 1])]);
        return {
          type: "tuple",
          items: [
            { type: "str", value: id.toString("latin1") },
            { type: "dict", items: pairs },
          ],
        };
      });
      return done({ type: "list", items: [...items, ...truncatedTail(total, items.length)] }, total, items.length);
    }
    default:
      return null;
  }
}

function score(text: string): PyValue {
  if (text === "inf" || text === "+inf") return { type: "float", value: "inf" };
  if (text === "-inf") return { type: "float", value: "-inf" };
  const n = Number(text);
  return Number.isFinite(n) ? { type: "float", value: n } : { type: "str", value: text };
}
