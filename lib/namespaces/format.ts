import type { KeyRow } from "@/lib/backends/types";

/** The companion's counter format v1 (docs/COUNTERS_FORMAT.md): where buckets live and what a reader accepts. Pure. */

export const FORMAT_VERSION = 1;
/** Raw keys (Redis, memcached) the companion writes start with this; the console hides them everywhere. */
export const COUNTER_KEY_PREFIX = "__cachescope__:";
export const BUCKET_SECONDS = 10;
/** Buckets expire after 3 hours: nothing older can be read. */
export const RETENTION_SECONDS = 3 * 3600;
/** FileBasedCache: the companion's directory inside LOCATION (not a "*.djcache" file, so Django's cull and clear skip it). */
export const FILE_COUNTER_DIR = ".cachescope";

/** Caps of a reader (the doc's): lines over 1 MiB, over 5,000 namespaces in a bucket, names over 200 characters. */
export const MAX_LINE_BYTES = 1024 * 1024;
export const MAX_NAMESPACES_PER_BUCKET = 5000;
export const MAX_NAME_CHARS = 200;
/** Ours, not the doc's: one record per process per flush, so 10,000 records in a 10-s bucket is far past any real site. */
export const MAX_RECORDS_PER_BUCKET = 10_000;
/** Bytes read of one bucket: a bucket grown past this (garbage, or a writer gone wrong) is read up to it and reported. */
export const MAX_BUCKET_BYTES = 4 * 1024 * 1024;

export const OVERFLOW_NAMESPACE = "(other)";

/** The 10-second bucket a unix time (seconds) falls in. */
export function bucketOf(unixSeconds: number): number {
  return Math.floor(unixSeconds / BUCKET_SECONDS) * BUCKET_SECONDS;
}

/** The raw key of one bucket of one alias (Redis, memcached, another alias's store). */
export function bucketKey(alias: string, bucket: number): string {
  return `${COUNTER_KEY_PREFIX}${FORMAT_VERSION}:${alias}:${bucket}`;
}

/** The file name of one bucket (FileBasedCache, a directory sink). */
export function bucketFileName(bucket: number): string {
  return `${bucket}.jsonl`;
}

/** Every bucket from the one holding `fromSeconds` to the one holding `toSeconds`, oldest first: computed, never scanned. */
export function bucketsBetween(fromSeconds: number, toSeconds: number): number[] {
  const first = Math.max(bucketOf(fromSeconds), bucketOf(toSeconds) - RETENTION_SECONDS);
  const last = bucketOf(toSeconds);
  const out: number[] = [];
  for (let b = first; b <= last; b += BUCKET_SECONDS) out.push(b);
  return out;
}

/** A raw key the companion owns. */
export function isCounterKey(raw: string | null): boolean {
  return raw !== null && raw.startsWith(COUNTER_KEY_PREFIX);
}

/**
 * The one filter the key browser, the size analysis and purges apply: rows of the companion's counter keys are not
 * the application's entries, so they are never shown, counted or deleted.
 */
export function withoutCounterRows(rows: KeyRow[]): KeyRow[] {
  return rows.some((r) => isCounterKey(r.raw)) ? rows.filter((r) => !isCounterKey(r.raw)) : rows;
}
