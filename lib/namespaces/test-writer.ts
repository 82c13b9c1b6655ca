import { promises as fsp } from "node:fs";
import path from "node:path";
import { bucketFileName, bucketOf } from "./format";

/**
 * A writer for tests, following docs/COUNTERS_FORMAT.md on its own (not the reader's code): one JSON line per flush,
 * appended to the bucket of its flush time.
 */

export type TestCounters = { k: string } & Partial<Record<"h" | "m" | "s" | "a" | "d" | "i" | "t", number>>;

export function recordLine(alias: string, ns: Record<string, TestCounters>, at: number, pid = 4242): string {
  return JSON.stringify({ v: 1, host: "test-host", pid, at, alias, ns }) + "\n";
}

/** Appends a record to `<dir>/<alias>/<bucket>.jsonl` (dir: a sink, or a FileBasedCache's LOCATION/.cachescope). */
export async function appendRecordFile(
  dir: string,
  alias: string,
  ns: Record<string, TestCounters>,
  at: number,
  pid?: number,
): Promise<number> {
  const bucket = bucketOf(at);
  await fsp.mkdir(path.join(dir, alias), { recursive: true });
  await fsp.appendFile(path.join(dir, alias, bucketFileName(bucket)), recordLine(alias, ns, at, pid));
  return bucket;
}
