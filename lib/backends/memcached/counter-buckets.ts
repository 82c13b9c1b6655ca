import { MAX_BUCKET_BYTES, bucketKey } from "@/lib/namespaces/format";
import { messageOf } from "../errors";
import type { CounterBucketRead } from "../types";
import type { MemcachedClient } from "./client";
import { checkKey } from "./keys";

/** Item header room: `me` gives the whole item's size, a little more than its value. */
const HEADER_SLACK = 1024;
const CHUNK = 64;

/**
 * The buckets of an alias on one memcached server (the first of LOCATION, where the companion writes). Pipelined `me`
 * first: it does not count as a get, so buckets that do not exist add no misses to the server's counters, and an item
 * over the read limit is reported without fetching it (memcached cannot send part of a value). The buckets that exist
 * are then fetched with pipelined gets on the same connection.
 */
export async function readMemcachedBuckets(
  client: MemcachedClient,
  alias: string,
  buckets: number[],
): Promise<Map<number, CounterBucketRead>> {
  const out = new Map<number, CounterBucketRead>();
  const keyed: { bucket: number; key: string }[] = [];
  for (const bucket of buckets) {
    try {
      keyed.push({ bucket, key: checkKey(bucketKey(alias, bucket)) });
    } catch (err) {
      out.set(bucket, { bytes: new Uint8Array(), cut: false, unreadable: messageOf(err) });
    }
  }
  for (let i = 0; i < keyed.length; i += CHUNK) {
    const chunk = keyed.slice(i, i + CHUNK);
    const metas = await Promise.all(chunk.map((k) => client.meta(k.key)));
    const present = chunk.filter((k, j) => {
      const meta = metas[j];
      if (!meta) return false;
      if (meta.size > MAX_BUCKET_BYTES + HEADER_SLACK) {
        out.set(k.bucket, {
          bytes: new Uint8Array(),
          cut: true,
          unreadable: `${meta.size} bytes, over the ${MAX_BUCKET_BYTES}-byte read limit`,
        });
        return false;
      }
      return true;
    });
    const items = await Promise.all(present.map((k) => client.get(k.key)));
    present.forEach((k, j) => {
      const item = items[j];
      if (!item || item.value.length === 0) return;
      const cut = item.value.length > MAX_BUCKET_BYTES;
      out.set(k.bucket, { bytes: cut ? item.value.subarray(0, MAX_BUCKET_BYTES) : item.value, cut });
    });
  }
  return out;
}
