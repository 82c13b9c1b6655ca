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
 * size the next call from the share of matches seen so far (a 1% prefix wants ~100x), growing at least 4x after
 * an empty call, never above MAX_SCAN_COUNT.
 */
export function nextScanCount(lastCount: number, lastMatches: number, stillWanted: number): number {
  const estimate = lastMatches === 0 ? lastCount * 4 : Math.ceil((stillWanted / (lastMatches / lastCount)) * 1.25);
  return Math.min(MAX_SCAN_COUNT, Math.max(lastCount, estimate));
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
 * One pipeline for the rows shown: PTTL, MEMORY USAGE and TYPE per key. MEMORY USAGE keeps its default sampling
 * (5 elements): exact for strings and small (listpack) aggregates, an estimate for big hashes/sets, whose exact
 * size (SAMPLES 0) would walk every element and hold the server for as long.
 * Keys gone between SCAN and this pipeline (TYPE "none") are left out: they no longer exist.
 */
export async function fetchMeta(client: Redis, keys: Buffer[], server: string): Promise<KeyRow[]> {
  if (keys.length === 0) return [];
  const pipeline = client.pipeline();
  for (const key of keys) {
    pipeline.pttl(key);
    pipeline.memory("USAGE", key, "SAMPLES", 5);
    pipeline.type(key);
  }
  const replies = (await pipeline.exec()) ?? [];
  const rows: KeyRow[] = [];
  keys.forEach((key, i) => {
    const [ttlErr, ttlMs] = replies[i * 3] ?? [null, null];
    const [sizeErr, size] = replies[i * 3 + 1] ?? [null, null];
    const [typeErr, type] = replies[i * 3 + 2] ?? [null, null];
    if (!typeErr && type === "none") return;
    rows.push({
      raw: keyText(key),
      server,
      ttl: ttlErr ? undefined : ttlSeconds(Number(ttlMs)),
      // MEMORY USAGE fails where it is disabled or not allowed (managed Redis, ACLs): the size is then unknown.
      size: sizeErr || typeof size !== "number" ? null : size,
      ...(typeErr || typeof type !== "string" ? {} : { type }),
    });
  });
  return rows;
}

/** PTTL milliseconds as KeyRow seconds: -1 = no expiry (null); rounded up so 300 ms left shows 1, not 0. */
export function ttlSeconds(pttl: number): number | null | undefined {
  if (pttl === -1) return null;
  if (pttl < 0 || !Number.isFinite(pttl)) return undefined;
  return Math.ceil(pttl / 1000);
}
