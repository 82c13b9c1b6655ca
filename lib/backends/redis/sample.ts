import type Redis from "ioredis";
import type { KeySample, SampleOptions } from "@/lib/backends/types";
import type { MetaFetcher } from "./scan";

/**
 * A random sample of the keys under a prefix without walking the keyspace: RANDOMKEY, pipelined in rounds.
 *
 * Why RANDOMKEY and not SCAN from random cursors: a SCAN call returns the keys of consecutive hash buckets, so a
 * few random cursors give a few clusters of neighbours, and buckets holding long chains are over-represented.
 * RANDOMKEY (Redis 6+: dictGetFairRandomKey) picks each key with close to equal probability, one O(1) call each.
 * Draws are with replacement: duplicates are dropped, which leaves a uniform random subset.
 *
 * RANDOMKEY draws from the whole database, other apps' keys too: draws outside the prefix are discarded, and their
 * share estimates how many of DBSIZE's keys are under the prefix.
 */

/** RANDOMKEY calls per pipeline round: one round is a few ms of server time. */
const ROUND = 5_000;
/** Draws allowed per wanted key before giving up (a prefix holding a tiny share of the database). */
const MAX_DRAWS_PER_KEY = 20;
/** Keys per MetaFetcher call for the drawn keys. */
const META_BATCH = 10_000;

export async function randomSample(client: Redis, meta: MetaFetcher, server: string, opts: SampleOptions): Promise<KeySample> {
  const prefix = Buffer.from(opts.prefix, "utf8");
  const dbsize = await client.dbsize();
  const wanted = Math.max(1, Math.floor(opts.count));
  const maxDraws = Math.max(wanted * MAX_DRAWS_PER_KEY, 10 * ROUND);
  const seen = new Set<string>();
  const keys: Buffer[] = [];
  let draws = 0;
  let matched = 0;
  while (dbsize > 0 && keys.length < wanted && draws < maxDraws) {
    opts.signal?.throwIfAborted();
    const pipeline = client.pipeline();
    for (let i = 0; i < ROUND; i++) pipeline.randomkeyBuffer();
    const replies = (await pipeline.exec()) ?? [];
    let fresh = 0;
    let matchedRound = 0;
    for (const [err, key] of replies) {
      if (err) throw err;
      draws += 1;
      if (!(key instanceof Buffer) || !startsWith(key, prefix)) continue;
      matched += 1;
      matchedRound += 1;
      // latin1 maps bytes to text one to one: keys that are not UTF-8 stay distinct.
      const id = key.toString("latin1");
      if (seen.has(id) || keys.length >= wanted) continue;
      seen.add(id);
      keys.push(key);
      fresh += 1;
    }
    opts.onDrawn?.(keys.length);
    // Nearly every match already seen: the prefix holds fewer keys than wanted, and the sample has them all.
    if (matchedRound > 100 && fresh < matchedRound * 0.01) break;
  }
  const rows = [];
  for (let i = 0; i < keys.length; i += META_BATCH) {
    opts.signal?.throwIfAborted();
    rows.push(...(await meta.rows(client, keys.slice(i, i + META_BATCH), server)));
  }
  return { rows, total: draws === 0 ? 0 : Math.round((dbsize * matched) / draws) };
}

function startsWith(key: Buffer, prefix: Buffer): boolean {
  return key.length >= prefix.length && key.subarray(0, prefix.length).equals(prefix);
}
