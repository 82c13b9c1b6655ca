import { readFile, realpath } from "node:fs/promises";
import type { ColdBasis } from "../types";

/**
 * Whether a FileBasedCache directory's filesystem records reads usefully, from its mount's options in
 * /proc/self/mountinfo: strictatime (every read), relatime (the default: the first read after a write, then at most
 * once a day), noatime (never). The analysis opens files with O_NOATIME where allowed, so it does not count as a read.
 */

export type AtimeMode = "strictatime" | "relatime" | "noatime";

export interface MountAtime {
  mountPoint: string;
  mode: AtimeMode;
}

/** "\040" and friends in mountinfo paths. */
function unescape(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** The mount holding `path` (its longest mount point prefix) and its atime mode, from mountinfo's text. */
export function mountAtimeOf(mountinfo: string, path: string): MountAtime | null {
  let best: MountAtime | null = null;
  for (const line of mountinfo.split("\n")) {
    const fields = line.split(" ");
    if (fields.length < 6) continue;
    const mountPoint = unescape(fields[4]);
    const inside = mountPoint === "/" || path === mountPoint || path.startsWith(`${mountPoint}/`);
    if (!inside || (best && best.mountPoint.length > mountPoint.length)) continue;
    const options = fields[5].split(",");
    const mode: AtimeMode = options.includes("noatime")
      ? "noatime"
      : options.includes("strictatime") || !options.includes("relatime")
        ? "strictatime"
        : "relatime";
    best = { mountPoint, mode };
  }
  return best;
}

export async function atimeOfDirectory(dir: string): Promise<MountAtime | null> {
  const [info, real] = await Promise.all([readFile("/proc/self/mountinfo", "utf8"), realpath(dir)]);
  return mountAtimeOf(info, real);
}

const DAY = 86400;

/**
 * Seconds since the file was last read, as far as its atime tells: exact under strictatime, and under relatime for
 * files not read since written (atime ≤ mtime); otherwise relatime only moves atime when it is a day old, so a read
 * may have happened up to a day after it: the lower bound is a day less.
 */
export function idleOf(mode: AtimeMode, nowMs: number, atimeMs: number, mtimeMs: number): number {
  const since = Math.max(0, Math.floor((nowMs - atimeMs) / 1000));
  if (mode === "strictatime" || atimeMs <= mtimeMs) return since;
  return Math.max(0, since - DAY);
}

export function atimeBasis(mount: MountAtime | null): ColdBasis {
  if (!mount)
    return { basis: null, note: "The cache directory's mount was not found in /proc/self/mountinfo.", idle1h: false, idle24h: false };
  const where = `the cache directory's filesystem (mounted at ${mount.mountPoint})`;
  if (mount.mode === "noatime") {
    return {
      basis: null,
      note: `Not read in the last day: unavailable, ${where} is mounted noatime (reads are not recorded).`,
      idle1h: false,
      idle24h: false,
    };
  }
  const sharedNote =
    " Files are keyed by md5 only, so the figures stand at the root. The analysis opens files with O_NOATIME where allowed (same owner, or CAP_FOWNER); otherwise its own read counts as one.";
  if (mount.mode === "relatime") {
    return {
      basis: "atime",
      note:
        `File access times, ${where} mounted relatime: a read moves atime only when it is older than the last write or a day old, ` +
        `so "not read in the last day" is told (a lower bound), not the last hour.${sharedNote}`,
      idle1h: false,
      idle24h: true,
    };
  }
  return {
    basis: "atime",
    note: `File access times, ${where} records every read (strictatime).${sharedNote}`,
    idle1h: true,
    idle24h: true,
  };
}
