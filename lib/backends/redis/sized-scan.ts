import { createHash } from "node:crypto";
import type Redis from "ioredis";
import type { KeyRow } from "@/lib/backends/types";
import { prefixPattern } from "./glob";
import { ttlSeconds } from "./scan";

/**
 * A walk of every key with its TTL and exact size, for analyses and purges over a whole keyspace: one script call
 * runs SCAN and, for each key it returned, PTTL and MEMORY USAGE ... SAMPLES 0, on the server.
 *
 * Why on the server: the names cross the wire once instead of three times (SCAN reply, then the metadata request
 * and its reply), and SCAN plus metadata is one round trip. Being one atomic call, a key cannot vanish between
 * SCAN and MEMORY USAGE. TYPE only when asked: it is a quarter of the work, and an analysis does not need it.
 * SAMPLES 0 is exact for every type, at the cost of walking the elements of big hashes/sets/lists: a call over
 * COUNT keys of small values holds the server a few ms.
 *
 * With an access mode, also OBJECT IDLETIME (LRU policies and noeviction) or OBJECT FREQ (LFU policies): like PTTL,
 * MEMORY USAGE and TYPE, OBJECT looks the key up without touching it, so the walk does not warm what it measures.
 *
 * Servers that refuse scripts (ACLs without EVAL, scripting disabled) answer with an error the caller recognises
 * (isScriptRefusal) and falls back to SCAN + pipelined metadata.
 */
const SCRIPT = `
local r
if ARGV[2] == '' then
  r = redis.call('SCAN', ARGV[1], 'COUNT', ARGV[3])
else
  r = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
end
local withType = ARGV[4] == '1'
local access = ARGV[5]
local parts = {}
for _, key in ipairs(r[2]) do
  local ttl = redis.call('PTTL', key)
  if ttl ~= -2 then
    local size = redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') or -1
    local t = ''
    if withType then t = redis.call('TYPE', key).ok end
    local a = -1
    if access == 'i' then a = redis.call('OBJECT', 'IDLETIME', key) elseif access == 'f' then a = redis.call('OBJECT', 'FREQ', key) end
    parts[#parts + 1] = struct.pack('>dddI4Bc0c0', ttl, size, a, #key, #t, key, t)
  end
end
return {r[1], table.concat(parts)}`;

/** Keys SCAN walks per script call: bounds how long one call holds the server. */
export const SIZED_SCAN_COUNT = 1_000;

/** What the walk reads besides size and TTL: OBJECT IDLETIME into row.idle, OBJECT FREQ into row.freq, or nothing. */
export type AccessMode = "idle" | "freq" | null;

export interface SizedStep {
  cursor: string;
  rows: KeyRow[];
}

const SHA = createHash("sha1").update(SCRIPT).digest("hex");

export class SizedScanner {
  /** One SCAN step with sizes. Throws what the server said if it refuses scripts. */
  async step(
    client: Redis,
    cursor: string,
    prefix: string,
    server: string,
    withType: boolean,
    access: AccessMode = null,
  ): Promise<SizedStep> {
    const pattern = prefix === "" ? "" : prefixPattern(prefix);
    const mode = access === "idle" ? "i" : access === "freq" ? "f" : "";
    const reply = await this.call(client, [cursor, pattern, String(SIZED_SCAN_COUNT), withType ? "1" : "0", mode]);
    const [head, packed] = reply;
    return {
      cursor: head instanceof Buffer ? head.toString("latin1") : String(head),
      rows: packed instanceof Buffer ? unpackRows(packed, server, access) : [],
    };
  }

  private async call(client: Redis, args: string[]): Promise<unknown[]> {
    // EVALSHA: the body is sent only when the server does not have it yet (first call, or restarted since).
    try {
      return asArray(await client.callBuffer("EVALSHA", SHA, 0, ...args));
    } catch (err) {
      if (!(err instanceof Error) || !/NOSCRIPT/.test(err.message)) throw err;
    }
    return asArray(await client.callBuffer("EVAL", SCRIPT, 0, ...args));
  }
}

/**
 * The script's packed rows: per key, PTTL, MEMORY USAGE and the access figure as big-endian doubles (-1: no size, not
 * asked), the key's length
 * (u32: keys may be long) and the type's (u8), then the key and the type. One bulk reply instead of three or four replies per key:
 * the client has the cursor as soon as the reply arrives and sends the next step before decoding this one.
 */
const HEADER = 8 + 8 + 8 + 4 + 1;

export function unpackRows(packed: Buffer, server: string, access: AccessMode = null): KeyRow[] {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const rows: KeyRow[] = [];
  let at = 0;
  while (at + HEADER <= packed.length) {
    const pttl = view.getFloat64(at);
    const size = view.getFloat64(at + 8);
    const seen = view.getFloat64(at + 16);
    const keyLength = view.getUint32(at + 24);
    const typeLength = view.getUint8(at + 28);
    at += HEADER;
    const row: KeyRow = { raw: packed.toString("utf8", at, at + keyLength), server, ttl: ttlSeconds(pttl), size: size < 0 ? null : size };
    if (seen >= 0) {
      if (access === "idle") row.idle = seen;
      else if (access === "freq") row.freq = seen;
    }
    at += keyLength;
    if (typeLength > 0) row.type = packed.toString("latin1", at, at + typeLength);
    at += typeLength;
    rows.push(row);
  }
  return rows;
}

function asArray(reply: unknown): unknown[] {
  return Array.isArray(reply) ? reply : [];
}
