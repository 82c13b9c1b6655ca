import type { CounterBucketRead } from "@/lib/backends/types";
import { BUCKET_SECONDS, RETENTION_SECONDS } from "./format";
import { parseBucket, skip, type ParsedBucket } from "./parse";

/**
 * Parsed buckets kept between reads. A bucket stops changing once every process has flushed past it: after its 10 s
 * plus CLOSED_AFTER_S of slack (flush jitter, clocks of other hosts a little off) it is "closed" and kept until it
 * expires, so a page polling an hour reads only the few newest buckets each time. A bucket still filling is kept
 * OPEN_TTL_MS, so pages polling every 2 s do not hammer the server either.
 */

export const CLOSED_AFTER_S = 30;
export const OPEN_TTL_MS = 2000;
/** Namespace entries held across all closed buckets: past this the oldest buckets are dropped (and read again if asked). */
const MAX_CACHED_CELLS = 500_000;

export type BucketReader = (buckets: number[]) => Promise<Map<number, CounterBucketRead>>;

export function emptyBucket(bucket: number): ParsedBucket {
  return { bucket, records: 0, lastFlushAt: null, namespaces: new Map(), skipped: {} };
}

export function parseRead(read: CounterBucketRead | undefined, alias: string, bucket: number): ParsedBucket {
  if (!read) return emptyBucket(bucket);
  const parsed = parseBucket(read.bytes, { alias, bucket, cut: read.cut });
  if (read.unreadable) skip(parsed.skipped, "unreadable");
  return parsed;
}

export class BucketCache {
  private readonly closed = new Map<string, ParsedBucket>();
  private readonly open = new Map<string, { at: number; parsed: ParsedBucket }>();
  private cells = 0;
  /** Buckets read from the store so far (a test's way to see the cache work). */
  reads = 0;

  async get(sourceId: string, alias: string, buckets: number[], nowMs: number, read: BucketReader): Promise<ParsedBucket[]> {
    const key = (b: number) => `${sourceId}\n${alias}\n${b}`;
    this.prune(nowMs);
    const found = new Map<number, ParsedBucket>();
    const missing: number[] = [];
    for (const b of buckets) {
      const closed = this.closed.get(key(b));
      const open = this.open.get(key(b));
      if (closed) found.set(b, closed);
      else if (open && nowMs - open.at < OPEN_TTL_MS) found.set(b, open.parsed);
      else missing.push(b);
    }
    if (missing.length > 0) {
      const reads = await read(missing);
      this.reads += missing.length;
      for (const b of missing) {
        const parsed = parseRead(reads.get(b), alias, b);
        found.set(b, parsed);
        if ((b + BUCKET_SECONDS + CLOSED_AFTER_S) * 1000 <= nowMs) this.keepClosed(key(b), parsed);
        else this.open.set(key(b), { at: nowMs, parsed });
      }
    }
    return buckets.map((b) => found.get(b) ?? emptyBucket(b));
  }

  private keepClosed(key: string, parsed: ParsedBucket): void {
    this.closed.set(key, parsed);
    this.cells += parsed.namespaces.size + 1;
    // Oldest read first (a Map keeps insertion order).
    for (const [k, p] of this.closed) {
      if (this.cells <= MAX_CACHED_CELLS) break;
      this.closed.delete(k);
      this.cells -= p.namespaces.size + 1;
    }
  }

  private prune(nowMs: number): void {
    const expired = nowMs / 1000 - RETENTION_SECONDS - BUCKET_SECONDS;
    for (const [k, p] of this.closed) {
      if (p.bucket >= expired) continue;
      this.closed.delete(k);
      this.cells -= p.namespaces.size + 1;
    }
    for (const [k, o] of this.open) if (nowMs - o.at >= OPEN_TTL_MS) this.open.delete(k);
  }

  clear(): void {
    this.closed.clear();
    this.open.clear();
    this.cells = 0;
  }
}
