import { constants, promises as fsp } from "node:fs";
import { entryPath } from "./location";

export interface FileBytes {
  /** The first maxBytes bytes of the file (all of it when it is smaller). */
  bytes: Uint8Array;
  /** Size of the whole file. */
  size: number;
}

/** Flags for opening an entry: never through a symlink, never blocking on a FIFO. */
export const ENTRY_OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/**
 * Reads one entry file, at most maxBytes of it. null when it does not exist: a file deleted between listing and
 * opening (Django culls, expires and rewrites files at any time) is simply gone. null too when the name is not a
 * regular file: whoever can write the cache directory could plant a symlink to a file outside it.
 */
export async function readEntryFile(dir: string, file: string, maxBytes: number): Promise<FileBytes | null> {
  const target = entryPath(dir, file);
  let handle;
  try {
    // O_NONBLOCK: a FIFO planted under a .djcache name must not hang the server. O_NOFOLLOW: a symlink fails (ELOOP).
    handle = await fsp.open(target, ENTRY_OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ELOOP") return null;
    throw err;
  }
  try {
    const stat = await handle.stat();
    // Only a regular file can be an entry (a directory or device under an entry's name is not one).
    if (!stat.isFile()) return null;
    const size = stat.size;
    const want = Math.max(0, Math.min(size, maxBytes));
    const bytes = new Uint8Array(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await handle.read(bytes, got, want - got, got);
      // The file shrank while being read (an in-place touch()): keep what was there.
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { bytes: got === want ? bytes : bytes.subarray(0, got), size };
  } finally {
    await handle.close();
  }
}
