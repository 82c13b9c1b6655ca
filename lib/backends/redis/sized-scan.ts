import { createHash } from "node:crypto";
import type Redis from "ioredis";
import type { KeyRow } from "@/lib/backends/types";
import { prefixPattern } from "./glob";
import { keyText, ttlSeconds } from "./scan";

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
local out = {r[1]}
local withType = ARGV[4] == '1'
for _, key in ipairs(r[2]) do
  local ttl = redis.call('PTTL', key)
  if ttl ~= -2 then
    out[#out + 1] = key
    out[#out + 1] = ttl
    out[#out + 1] = redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') or false
    if withType then out[#out + 1] = redis.call('TYPE', key).ok end
  end
end
return out`;

/** Keys SCAN walks per script call: bounds how long one call holds the server. */
export const SIZED_SCAN_COUNT = 1_000;

export interface SizedStep {
  cursor: string;
  rows: KeyRow[];
}

const SHA = createHash("sha1").update(SCRIPT).digest("hex");

export class SizedScanner {
  /** One SCAN step with sizes. Throws what the server said if it refuses scripts. */
  async step(client: Redis, cursor: string, prefix: string, server: string, withType: boolean): Promise<SizedStep> {
    const pattern = prefix === "" ? "" : prefixPattern(prefix);
    const reply = await this.call(client, [cursor, pattern, String(SIZED_SCAN_COUNT), withType ? "1" : "0"]);
    const stride = withType ? 4 : 3;
    const rows: KeyRow[] = [];
    for (let i = 1; i + stride - 1 < reply.length; i += stride) {
      const [key, ttl, size] = [reply[i], reply[i + 1], reply[i + 2]];
      if (!(key instanceof Buffer)) continue;
      const row: KeyRow = {
        raw: keyText(key),
        server,
        ttl: typeof ttl === "number" ? ttlSeconds(ttl) : undefined,
        // MEMORY USAGE refused (an ACL) or nil: the size is unknown.
        size: typeof size === "number" ? size : null,
      };
      const type = reply[i + 3];
      if (withType && type instanceof Buffer) row.type = type.toString("latin1");
      rows.push(row);
    }
    const head = reply[0];
    return { cursor: head instanceof Buffer ? head.toString("latin1") : String(head), rows };
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

function asArray(reply: unknown): unknown[] {
  return Array.isArray(reply) ? reply : [];
}
