import type Redis from "ioredis";
import type { KeyRow } from "@/lib/backends/types";
import { prefixPattern } from "./glob";

/**
 * SCAN-based listing. Keys travel as Buffers end to end (a key that is not valid UTF-8 still gets its metadata);
 * they are decoded to text only for the row's `raw`.
 */

/** One SCAN call never asks for more than this: it bounds how long a single call can hold the server (a few ms). */
export const MAX_SCAN_COUNT = 10_000;

export interface ScanStep {
  cursor: string;
  keys: Buffer[];
}

export async function scanOnce(client: Redis, cursor: string, prefix: string, count: number): Promise<ScanStep> {
  const [next, keys] =
    prefix === ""
      ? await client.scanBuffer(cursor, "COUNT", count)
      : await client.scanBuffer(cursor, "MATCH", prefixPattern(prefix), "COUNT", count);
  return { cursor: next.toString("latin1"), keys };
}

/**
 * The COUNT for the next SCAN call of a page. Density is unknown up front: start at 10x the rows wanted, then
 * size the next call from the share of matches seen so far in this page (a 1% prefix wants ~100 keys walked per
 * row), with a 25% margin; grow 4x after calls that found nothing; never above MAX_SCAN_COUNT, never below
 * the rows still wanted.
 */
export function nextScanCount(scanned: number, matched: number, lastCount: number, stillWanted: number): number {
  const estimate = matched === 0 ? lastCount * 4 : Math.ceil((stillWanted * scanned * 1.25) / matched);
  return Math.min(MAX_SCAN_COUNT, Math.max(stillWanted, estimate));
}

export function firstScanCount(prefix: string, wanted: number): number {
  // Every key matches an empty prefix: COUNT = rows wanted is exact enough.
  if (prefix === "") return Math.min(MAX_SCAN_COUNT, wanted);
  return Math.min(MAX_SCAN_COUNT, Math.max(1_000, wanted * 10));
}

export function keyText(key: Buffer): string {
  return key.toString("utf8");
}

/**
 * Metadata for the rows shown: PTTL, MEMORY USAGE and TYPE per key.
 *
 * One Lua script per chunk of keys rather than three pipelined commands per key: the server work is the same
 * (about 3 µs a key, so a chunk holds the server well under a millisecond), but the client builds and parses one
 * command instead of hundreds, which is most of a page's time. Servers that refuse scripts (ACLs without EVAL,
 * managed services, Redis < 2.6) get the pipeline instead, decided once per connection owner.
 *
 * MEMORY USAGE keeps its default sampling (5 elements): exact for strings and small (listpack) aggregates, an
 * estimate for big hashes/sets, whose exact size (SAMPLES 0) would walk every element and hold the server as long.
 * Keys gone between SCAN and this call (TYPE "none") are left out: they no longer exist.
 * PTTL and TYPE count as keyspace hits on the server (MEMORY USAGE does not): two per row shown; Redis offers no
 * lookup of either that leaves the counters alone.
 * The keys travel as arguments, not KEYS: a Redis Cluster node refuses declared keys of several slots (CROSSSLOT) but
 * runs a script over undeclared keys of its own slots, which is what a node's SCAN returned.
 */
const META_SCRIPT = `
local out = {}
for _, key in ipairs(ARGV) do
  out[#out + 1] = redis.call('PTTL', key)
  local ok, size = pcall(redis.call, 'MEMORY', 'USAGE', key, 'SAMPLES', '5')
  out[#out + 1] = ok and size or false
  out[#out + 1] = redis.call('TYPE', key).ok
end
return out`;

/** Keys per script call: bounds how long one call holds the server. */
const META_CHUNK = 250;

interface Meta {
  ttl: number | null | undefined;
  size: number | null;
  type: string | undefined;
}

export class MetaFetcher {
  private scriptRefused = false;

  async rows(client: Redis, keys: Buffer[], server: string): Promise<KeyRow[]> {
    if (keys.length === 0) return [];
    const metas = this.scriptRefused ? await metaByPipeline(client, keys) : await this.byScript(client, keys);
    const rows: KeyRow[] = [];
    keys.forEach((key, i) => {
      const meta = metas[i];
      if (meta.type === "none") return;
      rows.push({ raw: keyText(key), server, ttl: meta.ttl, size: meta.size, ...(meta.type ? { type: meta.type } : {}) });
    });
    return rows;
  }

  private async byScript(client: Redis, keys: Buffer[]): Promise<Meta[]> {
    const chunks: Buffer[][] = [];
    for (let i = 0; i < keys.length; i += META_CHUNK) chunks.push(keys.slice(i, i + META_CHUNK));
    try {
      // All chunks go out at once on the one connection: they queue on the server, not behind round trips.
      const replies = await Promise.all(chunks.map((chunk) => client.eval(META_SCRIPT, 0, ...chunk)));
      return replies.flatMap((reply) => metaFromFlat(Array.isArray(reply) ? reply : []));
    } catch (err) {
      if (!isScriptRefusal(err)) throw err;
      this.scriptRefused = true;
      return metaByPipeline(client, keys);
    }
  }
}

/** The server will not run scripts for us (ACL, disabled, too old): use plain commands instead. */
export function isScriptRefusal(err: unknown): boolean {
  const message = err instanceof Error ? err.message : "";
  return /NOPERM|unknown command|NOSCRIPT|scripting|not allowed|disabled/i.test(message);
}

function metaFromFlat(flat: unknown[]): Meta[] {
  const out: Meta[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    const [ttl, size, type] = [flat[i], flat[i + 1], flat[i + 2]];
    out.push({
      ttl: typeof ttl === "number" ? ttlSeconds(ttl) : undefined,
      // MEMORY USAGE fails where it is disabled or not allowed: the size is then unknown.
      size: typeof size === "number" ? size : null,
      type: typeof type === "string" ? type : undefined,
    });
  }
  return out;
}

async function metaByPipeline(client: Redis, keys: Buffer[]): Promise<Meta[]> {
  const pipeline = client.pipeline();
  for (const key of keys) {
    pipeline.pttl(key);
    pipeline.memory("USAGE", key, "SAMPLES", 5);
    pipeline.type(key);
  }
  const replies = (await pipeline.exec()) ?? [];
  return metaFromFlat(replies.map(([err, value]) => (err ? null : value)));
}

/** PTTL milliseconds as KeyRow seconds: -1 = no expiry (null); rounded up so 300 ms left shows 1, not 0. */
export function ttlSeconds(pttl: number): number | null | undefined {
  if (pttl === -1) return null;
  if (pttl < 0 || !Number.isFinite(pttl)) return undefined;
  return Math.ceil(pttl / 1000);
}
