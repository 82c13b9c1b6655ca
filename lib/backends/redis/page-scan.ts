import { createHash } from "node:crypto";
import type Redis from "ioredis";
import type { KeyRow } from "@/lib/backends/types";
import { prefixPattern } from "./glob";
import { ttlSeconds } from "./scan";

/**
 * One page of keys in one script call: the SCAN loop and the rows' metadata run on the server.
 *
 * Why (profiled, bench/redis-browse.ts): a page of a 1% prefix is ~10,000 keys walked by SCAN whoever walks them, and
 * that walk is most of the page's time; what the client adds is round trips (a probe SCAN, the big SCAN, the metadata
 * script) and the surplus a big COUNT picks up. Inside the script a round trip costs nothing, so the walk starts
 * small and grows until it has found the rows wanted: it stops near ~wanted/density keys instead of overshooting, and
 * the whole page is one round trip.
 *
 * Bounds: one call walks at most WALK_BUDGET keys (the client calls again with the cursor for the rest, within its
 * own time budget) and reads metadata for at most META_INLINE keys; a bigger page gets its names back and its
 * metadata through MetaFetcher's 250-key scripts, so no call holds the server much longer than one SCAN COUNT 10000.
 * Metadata is the same as MetaFetcher's: PTTL, MEMORY USAGE with its default sampling, TYPE. Keys gone before their
 * metadata was read (PTTL -2) cannot happen inside one atomic call, and are left out all the same.
 *
 * Servers that refuse scripts answer with an error the caller recognises (isScriptRefusal) and gets the plain SCAN loop.
 */
const SCRIPT = `
local cursor, pattern = ARGV[1], ARGV[2]
local wanted, budget, metaInline = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local withMeta = ARGV[6] == '1'
local keys = {}
local walked = 0
local step = math.min(budget, math.max(wanted, 100))
while true do
  local r
  if pattern == '' then
    r = redis.call('SCAN', cursor, 'COUNT', step)
  else
    r = redis.call('SCAN', cursor, 'MATCH', pattern, 'COUNT', step)
  end
  cursor = r[1]
  for _, k in ipairs(r[2]) do keys[#keys + 1] = k end
  walked = walked + step
  local still = wanted - #keys
  if cursor == '0' or still <= 0 or walked >= budget then break end
  if #keys * 10 < wanted then
    step = step * 2
  else
    step = math.ceil(still * walked * 1.05 / #keys)
  end
  step = math.max(still, math.min(step, budget - walked))
end
if not withMeta or #keys > metaInline then
  return {cursor, walked, 0, keys}
end
local parts = {}
for _, key in ipairs(keys) do
  local ttl = redis.call('PTTL', key)
  if ttl ~= -2 then
    local ok, size = pcall(redis.call, 'MEMORY', 'USAGE', key, 'SAMPLES', '5')
    if not ok or not size then size = -1 end
    local t = redis.call('TYPE', key).ok
    parts[#parts + 1] = struct.pack('>ddI4Bc0c0', ttl, size, #key, #t, key, t)
  end
end
return {cursor, walked, 1, table.concat(parts)}`;

/** Keys one call walks at most: a 1% prefix's page of 100 fits in one call, and one call holds the server a few ms. */
export const WALK_BUDGET = 12_000;
/** Rows whose metadata one call reads at most (as MetaFetcher's chunks). */
export const META_INLINE = 250;

const SHA = createHash("sha1").update(SCRIPT).digest("hex");

export interface PageStep {
  cursor: string;
  /** Keys walked (the COUNTs asked: SCAN reports no exact figure). */
  walked: number;
  /** With metadata: the rows. */
  rows: KeyRow[] | null;
  /** Without (not asked, or too many for one call): the names. */
  keys: Buffer[];
}

/** One call of the page script: at least `wanted` names unless the walk budget or the keyspace ran out first. */
export async function pageStep(
  client: Redis,
  cursor: string,
  prefix: string,
  wanted: number,
  withMeta: boolean,
  server: string,
): Promise<PageStep> {
  const args = [
    cursor,
    prefix === "" ? "" : prefixPattern(prefix),
    String(wanted),
    String(WALK_BUDGET),
    String(META_INLINE),
    withMeta ? "1" : "0",
  ];
  const reply = await call(client, args);
  const [head, walked, metaFlag, body] = reply;
  const next = head instanceof Buffer ? head.toString("latin1") : String(head);
  const hasMeta = Number(metaFlag) === 1;
  return {
    cursor: next,
    walked: Number(walked),
    rows: hasMeta && body instanceof Buffer ? unpackPageRows(body, server) : null,
    keys: !hasMeta && Array.isArray(body) ? body.filter((k): k is Buffer => k instanceof Buffer) : [],
  };
}

async function call(client: Redis, args: string[]): Promise<unknown[]> {
  // EVALSHA: the body is sent only when the server does not have it yet (first call, or restarted since).
  try {
    return asArray(await client.callBuffer("EVALSHA", SHA, 0, ...args));
  } catch (err) {
    if (!(err instanceof Error) || !/NOSCRIPT/.test(err.message)) throw err;
  }
  return asArray(await client.callBuffer("EVAL", SCRIPT, 0, ...args));
}

const HEADER = 8 + 8 + 4 + 1;

/** The packed rows: PTTL and MEMORY USAGE as big-endian doubles (-1: no size), key and type lengths, key, type. */
export function unpackPageRows(packed: Buffer, server: string): KeyRow[] {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const rows: KeyRow[] = [];
  let at = 0;
  while (at + HEADER <= packed.length) {
    const pttl = view.getFloat64(at);
    const size = view.getFloat64(at + 8);
    const keyLength = view.getUint32(at + 16);
    const typeLength = view.getUint8(at + 20);
    at += HEADER;
    const raw = packed.toString("utf8", at, at + keyLength);
    at += keyLength;
    const type = packed.toString("latin1", at, at + typeLength);
    at += typeLength;
    rows.push({ raw, server, ttl: ttlSeconds(pttl), size: size < 0 ? null : size, type });
  }
  return rows;
}

function asArray(reply: unknown): unknown[] {
  return Array.isArray(reply) ? reply : [];
}
