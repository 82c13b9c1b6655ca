import { constants, promises as fsp } from "node:fs";
import path from "node:path";
import type { CounterBucketRead } from "@/lib/backends/types";
import { DomainError } from "@/lib/shared/errors";
import { MAX_BUCKET_BYTES, bucketFileName } from "./format";

/** Files opened at once. */
const PARALLEL = 16;

/** An alias names a directory here: nothing that could leave it (or be it). */
export function aliasDirName(alias: string): string {
  if (alias === "" || alias === "." || alias === ".." || /[/\\\0]/.test(alias) || alias.length > 255) {
    throw new DomainError(
      "bad_alias",
      `alias "${alias.slice(0, 80)}" cannot name a counter directory (it must not be empty, ".", ".." or hold "/")`,
    );
  }
  return alias;
}

/**
 * Checks each directory below `root` (given by the operator: a FileBasedCache's LOCATION, a sink directory) and returns
 * the innermost, or null when one does not exist yet (nothing flushed). Whoever can write the cache directory is not
 * trusted: a symlink or something that is not a directory is refused, so the console never reads outside it.
 */
async function checkedDir(root: string, parts: string[]): Promise<string | null> {
  let dir = root;
  for (const part of parts) {
    dir = path.join(dir, part);
    let stat;
    try {
      stat = await fsp.lstat(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new DomainError(
        "counters_unreadable",
        `counter directory ${dir} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
    if (stat.isSymbolicLink()) throw new DomainError("counters_unreadable", `counter directory ${dir} is a symlink: not followed`);
    if (!stat.isDirectory()) throw new DomainError("counters_unreadable", `counter directory ${dir} is not a directory`);
  }
  return dir;
}

/** One bucket file: a regular file only (O_NOFOLLOW: no symlink; O_NONBLOCK: a FIFO cannot hang the read), read up to the limit. */
async function readBucketFile(file: string): Promise<CounterBucketRead | null> {
  let handle;
  try {
    handle = await fsp.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    return {
      bytes: new Uint8Array(),
      cut: false,
      unreadable: code === "ELOOP" ? "a symlink: not followed" : `cannot be opened (${code ?? String(err)})`,
    };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { bytes: new Uint8Array(), cut: false, unreadable: "not a regular file" };
    const want = Math.min(stat.size, MAX_BUCKET_BYTES + 1);
    const buf = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await handle.read(buf, got, want - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got === 0) return null;
    const cut = got > MAX_BUCKET_BYTES;
    return { bytes: buf.subarray(0, cut ? MAX_BUCKET_BYTES : got), cut };
  } finally {
    await handle.close();
  }
}

/** `<root>/<...parts>/<alias>/<bucket>.jsonl` for each bucket; files that do not exist are absent from the answer. */
export async function readBucketFiles(
  root: string,
  parts: string[],
  alias: string,
  buckets: number[],
): Promise<Map<number, CounterBucketRead>> {
  const out = new Map<number, CounterBucketRead>();
  const dir = await checkedDir(root, [...parts, aliasDirName(alias)]);
  if (dir === null) return out;
  // One readdir instead of an open per bucket asked for: most of an hour's buckets usually do not exist.
  const names = new Set(await fsp.readdir(dir));
  const present = buckets.filter((b) => names.has(bucketFileName(b)));
  for (let i = 0; i < present.length; i += PARALLEL) {
    const chunk = present.slice(i, i + PARALLEL);
    const reads = await Promise.all(chunk.map((b) => readBucketFile(path.join(dir, bucketFileName(b)))));
    chunk.forEach((b, j) => {
      const r = reads[j];
      if (r) out.set(b, r);
    });
  }
  return out;
}
