import { randomBytes } from "node:crypto";
import { constants, promises as fsp } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { expiryPickle } from "@/lib/demo/demo-data";
import type { ProbeClient } from "../types";
import { pickledBytes } from "../probe-value";
import { directoryError } from "./directory";
import { FileCacheError } from "./errors";
import { entryPath, fileForRawKey } from "./location";

/**
 * The probe's client on a FileBasedCache directory, writing as Django's set() does: pickle(expiry) then
 * zlib(pickle(value)) into an mkstemp-style temp file renamed into place. Unlike Django it never culls: the probe
 * checks MAX_ENTRIES before it starts (lib/probe) so its files never make Django's next set() cull real entries.
 * The directory is never created: a missing one is the reason the probe fails.
 */
export function fileProbeClient(dir: () => string, onClose: () => void): ProbeClient {
  const fail = (err: unknown): never => {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === "ENOSPC" || code === "EDQUOT") {
      throw new FileCacheError(
        "directory_unavailable",
        `Cache directory ${dir()}: the disk is full (${code}): nothing more can be stored.`,
      );
    }
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EACCES" || code === "EPERM") throw directoryError(dir(), err);
    throw new FileCacheError("directory_unavailable", `Cache directory ${dir()}: ${err instanceof Error ? err.message : String(err)}`);
  };
  return {
    async set(raw, payload, ttlSeconds) {
      const where = dir();
      const body = Buffer.concat([expiryPickle(Date.now() / 1000 + ttlSeconds), deflateSync(pickledBytes(payload))]);
      const temp = path.join(where, `tmp${randomBytes(6).toString("hex").slice(0, 8)}`);
      try {
        await fsp.writeFile(temp, body, { mode: 0o600, flag: "wx" });
        await fsp.rename(temp, entryPath(where, fileForRawKey(raw)));
      } catch (err) {
        await fsp.rm(temp, { force: true });
        fail(err);
      }
    },
    async get(raw) {
      try {
        // O_NOFOLLOW: a symlink planted under the entry's name is not followed.
        await fsp.readFile(entryPath(dir(), fileForRawKey(raw)), { flag: constants.O_RDONLY | constants.O_NOFOLLOW });
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
        return fail(err);
      }
    },
    async delete(raw) {
      try {
        await fsp.unlink(entryPath(dir(), fileForRawKey(raw)));
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
        return fail(err);
      }
    },
    close: async () => onClose(),
  };
}
