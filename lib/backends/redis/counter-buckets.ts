import type Redis from "ioredis";
import { MAX_BUCKET_BYTES, bucketKey } from "@/lib/namespaces/format";
import type { CounterBucketRead } from "../types";

/** Keys per pipeline: one round trip each, at most this many bucket-size reads in memory at once. */
const CHUNK = 16;

/**
 * The buckets of an alias in one Redis database, in two pipelined steps per chunk:
 * - MEMORY USAGE finds which buckets exist without a key lookup that counts: a GETRANGE of a missing key adds to
 *   INFO keyspace_misses, and the console must not skew the server-wide ratio it shows (most buckets of an hour are
 *   usually absent). A user whose ACL refuses MEMORY falls back to reading every bucket.
 * - GETRANGE, never GET/MGET, of those that exist: a bucket grown huge (garbage, or a writer gone wrong) crosses the
 *   wire only up to the read limit. A key of another type is reported, not thrown.
 */
export async function readRedisBuckets(client: Redis, alias: string, buckets: number[]): Promise<Map<number, CounterBucketRead>> {
  const out = new Map<number, CounterBucketRead>();
  for (let i = 0; i < buckets.length; i += CHUNK) {
    const chunk = buckets.slice(i, i + CHUNK);
    const probe = client.pipeline();
    for (const b of chunk) probe.memory("USAGE", bucketKey(alias, b), "SAMPLES", 0);
    const sizes = (await probe.exec()) ?? [];
    const present = chunk.filter((_, j) => {
      const [err, size] = sizes[j] ?? [null, null];
      // Refused (ACL, a Redis look-alike without MEMORY): read it and find out.
      return err !== null || size !== null;
    });
    if (present.length === 0) continue;
    const pipeline = client.pipeline();
    // One byte past the limit tells a bucket cut at it from one exactly that long.
    for (const b of present) pipeline.getrangeBuffer(bucketKey(alias, b), 0, MAX_BUCKET_BYTES);
    const replies = (await pipeline.exec()) ?? [];
    present.forEach((b, j) => {
      const [err, value] = replies[j] ?? [null, null];
      if (err) {
        out.set(b, { bytes: new Uint8Array(), cut: false, unreadable: err.message });
        return;
      }
      if (!(value instanceof Buffer) || value.length === 0) return;
      const cut = value.length > MAX_BUCKET_BYTES;
      out.set(b, { bytes: new Uint8Array(cut ? value.subarray(0, MAX_BUCKET_BYTES) : value), cut });
    });
  }
  return out;
}
