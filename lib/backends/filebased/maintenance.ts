import { promises as fsp } from "node:fs";
import type { CacheConfig } from "@/lib/config/types";
import { scanDirectory } from "./directory";
import { ENTRY_OPEN_FLAGS } from "./entry-file";
import { headOf, isExpired, readHeads } from "./heads";
import { cacheDir, cullSettings, SUFFIX } from "./location";

export interface FileCacheHealth {
  directory: string;
  /** "*.djcache" files: what Django counts against MAX_ENTRIES. */
  entries: number;
  maxEntries: number;
  cullFrequency: number;
  /** At the cap, every set() first deletes a random 1/CULL_FREQUENCY of all entries (CULL_FREQUENCY 0: all of them). */
  atCap: boolean;
  totalBytes: number;
  expired: number;
  /** Entries whose head is not an expiry pickle, or that cannot be read. */
  unreadable: number;
  /** Leftover temp files of interrupted writes (Django writes through mkstemp, then renames). */
  tempFiles: number;
  /** "*.djcache" names that are not regular files (symlinks, directories): never read, served or deleted. */
  notRegular: number;
}

/** Every "*.djcache" file name of the directory, with the head of each. */
async function allHeads(dir: string) {
  const scan = await scanDirectory(dir);
  const names = [...scan.files.map((f) => f + SUFFIX), ...scan.otherCacheFiles];
  const heads = await readHeads(dir, names, true);
  return { scan, names, heads };
}

export async function fileCacheHealth(config: CacheConfig): Promise<FileCacheHealth> {
  const dir = cacheDir(config);
  const { maxEntries, cullFrequency } = cullSettings(config);
  const { scan, heads } = await allHeads(dir);
  const now = Date.now() / 1000;
  let entries = 0;
  let totalBytes = 0;
  let expired = 0;
  let unreadable = 0;
  for (const head of heads) {
    if (head === null) continue;
    entries++;
    totalBytes += head.size ?? 0;
    if (head.state === "unreadable") unreadable++;
    else if (isExpired(head, now)) expired++;
  }
  return {
    directory: dir,
    // Django's glob counts every "*.djcache" name, symlinks and directories included.
    entries: entries + scan.notRegular,
    maxEntries,
    cullFrequency,
    atCap: entries >= maxEntries,
    totalBytes,
    expired,
    unreadable,
    tempFiles: scan.tempFiles,
    notRegular: scan.notRegular,
  };
}

/**
 * Deletes an entry file listed as expired only if it still is: Django may have written a fresh entry under the same
 * name since (it renames a new file over the old one). Answers the bytes freed, or null when nothing was deleted.
 */
export async function unlinkIfStillExpired(file: string, nowSeconds: number): Promise<number | null> {
  let handle;
  try {
    handle = await fsp.open(file, ENTRY_OPEN_FLAGS);
  } catch {
    return null;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return null;
    const { size } = stat;
    const head = new Uint8Array(32);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (!isExpired(headOf(file, head.subarray(0, bytesRead), size), nowSeconds)) return null;
    await fsp.unlink(file);
    return size;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}
