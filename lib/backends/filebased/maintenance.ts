import { constants, promises as fsp } from "node:fs";
import path from "node:path";
import type { CacheConfig } from "@/lib/config/types";
import { directoryError, forgetScan, scanDirectory } from "./directory";
import { headOf, isExpired, readHeads } from "./heads";
import { cacheDir, cullSettings, SUFFIX } from "./location";
import { forgetSnapshots } from "./listing";

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
    entries,
    maxEntries,
    cullFrequency,
    atCap: entries >= maxEntries,
    totalBytes,
    expired,
    unreadable,
    tempFiles: scan.tempFiles,
  };
}

export interface PurgeResult {
  scanned: number;
  deleted: number;
  bytes: number;
}

/**
 * Deletes the expired entries (what Django would delete on their next get). Each file is read again just before it
 * is unlinked: one rewritten by a set() since the scan holds a fresh expiry and stays.
 */
export async function purgeExpired(config: CacheConfig): Promise<PurgeResult> {
  const dir = cacheDir(config);
  const { names, heads } = await allHeads(dir);
  const now = Date.now() / 1000;
  let deleted = 0;
  let bytes = 0;
  for (let i = 0; i < names.length; i++) {
    const head = heads[i];
    if (head === null || !isExpired(head, now)) continue;
    const freed = await unlinkIfStillExpired(path.join(dir, names[i]), now);
    if (freed !== null) {
      deleted++;
      bytes += freed;
    }
  }
  forget(dir);
  return { scanned: names.length, deleted, bytes };
}

async function unlinkIfStillExpired(file: string, nowSeconds: number): Promise<number | null> {
  let handle;
  try {
    handle = await fsp.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const { size } = await handle.stat();
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

export interface ClearResult {
  deleted: number;
  bytes: number;
}

/**
 * What Django's clear() does: delete every "*.djcache" file of the directory, and nothing else (temp files, other
 * files and subdirectories stay). Never the directory itself.
 */
export async function clearFileCache(config: CacheConfig): Promise<ClearResult> {
  const dir = cacheDir(config);
  let dirents;
  try {
    dirents = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw directoryError(dir, err);
  }
  let deleted = 0;
  let bytes = 0;
  for (const d of dirents) {
    if (!d.isFile() || !d.name.endsWith(SUFFIX)) continue;
    const file = path.join(dir, d.name);
    try {
      const { size } = await fsp.stat(file);
      await fsp.unlink(file);
      deleted++;
      bytes += size;
    } catch (err) {
      // Gone already (Django culled or replaced it): nothing to delete.
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  forget(dir);
  return { deleted, bytes };
}

function forget(dir: string): void {
  forgetScan(dir);
  forgetSnapshots(dir);
}
