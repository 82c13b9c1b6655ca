import { promises as fsp } from "node:fs";
import { FileCacheError } from "./errors";
import { entryFileOf, isTempFileName, SUFFIX } from "./location";

export interface DirectoryScan {
  /** 32-hex names of "<hash>.djcache" files, sorted. */
  files: string[];
  /** Other "*.djcache" names: Django counts, culls and clears them too, but no key hashes to them. */
  otherCacheFiles: string[];
  /** Leftover mkstemp files of interrupted writes. */
  tempFiles: number;
  /** "*.djcache" names that are not regular files (symlinks, directories, FIFOs): left out of everything. */
  notRegular: number;
}

/**
 * One readdir of the cache directory, with each name's type (from the directory entry itself: no stat per file).
 * Only regular files are entries: a symlink under an entry's name (planted by whoever can write the directory,
 * pointing at /etc/passwd, say) is neither listed, read, served nor deleted, and a subdirectory is not walked.
 */
export async function scanDirectory(dir: string): Promise<DirectoryScan> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw directoryError(dir, err);
  }
  const files: string[] = [];
  const otherCacheFiles: string[] = [];
  let tempFiles = 0;
  let notRegular = 0;
  for (const entry of entries) {
    const name = entry.name;
    if (!entry.isFile()) {
      if (name.endsWith(SUFFIX)) notRegular++;
      continue;
    }
    const file = entryFileOf(name);
    if (file !== null) files.push(file);
    else if (name.endsWith(SUFFIX)) otherCacheFiles.push(name);
    else if (isTempFileName(name)) tempFiles++;
  }
  files.sort();
  return { files, otherCacheFiles, tempFiles, notRegular };
}

/** A clear message for the ways a cache directory can be unusable. */
export function directoryError(dir: string, err: unknown): FileCacheError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const why =
    code === "ENOENT"
      ? "does not exist (Django creates it on the first set)"
      : code === "ENOTDIR"
        ? "is not a directory"
        : code === "EACCES" || code === "EPERM"
          ? "cannot be read by this process (permission denied)"
          : `cannot be read (${code ?? String(err)})`;
  return new FileCacheError("directory_unavailable", `Cache directory ${dir} ${why}.`);
}

const NAME_LIST_TTL_MS = 2_000;
const nameLists = new Map<string, { at: number; scan: Promise<DirectoryScan> }>();

/**
 * The directory listing, shared for a moment: paging through 100k files re-reads the directory at most every
 * NAME_LIST_TTL_MS, while a listing seconds old never hides a new entry for long.
 */
export function cachedScan(dir: string, now = Date.now()): Promise<DirectoryScan> {
  const hit = nameLists.get(dir);
  if (hit && now - hit.at < NAME_LIST_TTL_MS) return hit.scan;
  const scan = scanDirectory(dir);
  nameLists.set(dir, { at: now, scan });
  // A failed scan must not be served from the cache.
  scan.catch(() => nameLists.delete(dir));
  return scan;
}

/** After a delete or clear: the next listing reads the directory again. */
export function forgetScan(dir: string): void {
  nameLists.delete(dir);
}
