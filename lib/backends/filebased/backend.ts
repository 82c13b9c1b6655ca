import { constants, promises as fsp } from "node:fs";
import type { CacheConfig } from "@/lib/config/types";
import type {
  BackendStatus,
  CacheBackend,
  ColdBasis,
  Capabilities,
  EntryLimits,
  EntryRef,
  IterateOptions,
  KeyPage,
  KeyRow,
  ListOptions,
  ProbeClient,
  RawEntry,
  HealthReport,
  StatsSnapshot,
} from "../types";
import { atimeBasis, atimeOfDirectory } from "./atime";
import { directoryError, forgetScan, scanDirectory } from "./directory";
import { readEntryFile } from "./entry-file";
import { FileCacheError } from "./errors";
import { headOf, isExpired, ttlOf } from "./heads";
import { forgetSnapshots, listFiles } from "./listing";
import { assertFileName, cacheDir, cullSettings, entryPath, fileForRawKey } from "./location";
import { describeRows, headRows } from "./rows";

import { fileHealthReport } from "./health-report";
import { FILE_COUNTER_DIR } from "@/lib/namespaces/format";
import { readBucketFiles } from "@/lib/namespaces/read-files";
import { fileCacheHealth, unlinkIfStillExpired } from "./maintenance";
import { fileProbeClient } from "./probe";

const CAPABILITIES: Capabilities = {
  listKeys: true,
  invalidatePrefix: false,
  serverStats: false,
  ttl: true,
  sizes: true,
  keyNames: false,
  sorts: ["name", "size", "expiry"],
};

const PREFIX_MESSAGE =
  "FileBasedCache names each file by the md5 of its key, so entries cannot be filtered by a key prefix. " +
  "Look up an exact key instead (its file is md5 of the full stored key), or list by file.";

/** Django's django.core.cache.backends.filebased.FileBasedCache: one directory of "<md5(key)>.djcache" files. */
export function createFileBasedBackend(config: CacheConfig): CacheBackend {
  // Resolved per call: a missing LOCATION must surface as a clear status/listing error, not at construction.
  const dir = () => cacheDir(config);

  const fileOf = (ref: EntryRef): string => ("file" in ref ? assertFileName(ref.file) : fileForRawKey(requireString(ref.raw, "raw")));

  /**
   * Deletes an entry file; a name that is not a regular file (a symlink planted in the directory, a subdirectory) is
   * left alone and counts as absent. unlink() itself never follows a symlink, so nothing outside LOCATION is touched
   * even if a file is swapped for a symlink between the check and the unlink.
   */
  const unlink = async (file: string): Promise<number> => {
    const target = entryPath(dir(), file);
    try {
      if (!(await fsp.lstat(target)).isFile()) return 0;
      await fsp.unlink(target);
      return 1;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw err;
    }
  };

  const forgetListings = () => {
    const where = config.locations[0];
    if (typeof where !== "string" || where.trim() === "") return;
    forgetScan(cacheDir(config));
    forgetSnapshots(cacheDir(config));
  };

  const deleteEntries = async (refs: EntryRef[]): Promise<number> => {
    // Validate every ref before deleting any.
    const files = refs.map(fileOf);
    let deleted = 0;
    for (const file of files) deleted += await unlink(file);
    forgetListings();
    return deleted;
  };

  return {
    config,
    capabilities: CAPABILITIES,

    async status(): Promise<BackendStatus> {
      const started = performance.now();
      try {
        const where = dir();
        const stat = await fsp.stat(where).catch((err: unknown) => {
          throw directoryError(where, err);
        });
        if (!stat.isDirectory()) throw directoryError(where, Object.assign(new Error(), { code: "ENOTDIR" }));
        await fsp.access(where, constants.R_OK | constants.X_OK).catch((err: unknown) => {
          throw directoryError(where, err);
        });
        return { ok: true, latencyMs: performance.now() - started };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },

    async listKeys(opts: ListOptions): Promise<KeyPage> {
      if (opts.prefix !== "") throw new FileCacheError("prefix_unsupported", PREFIX_MESSAGE);
      const page = await listFiles(dir(), opts.sort ?? "name", opts.cursor, opts.count);
      const keys = opts.withMeta
        ? await describeRows(dir(), page.files)
        : page.files.map((file): KeyRow => ({ raw: null, file, type: "file" }));
      return { keys, cursor: page.cursor, scanned: page.scanned };
    },

    async readEntry(ref: EntryRef, maxBytes: number): Promise<RawEntry | null> {
      const file = fileOf(ref);
      const read = await readEntryFile(dir(), file, maxBytes);
      if (read === null) return null;
      const now = Date.now() / 1000;
      const head = headOf(file, read.bytes, read.size);
      const notes: string[] = [];
      if (isExpired(head, now)) {
        notes.push("Expired: Django treats this entry as a miss and deletes the file on its next get().");
      }
      if (head.state === "unreadable") notes.push("The file does not start with an expiry pickle: Django's get() would fail on it.");
      return {
        raw: "raw" in ref ? ref.raw : null,
        file,
        type: "file",
        ttl: ttlOf(head, now) ?? null,
        size: read.size,
        bytes: read.bytes,
        valueLength: read.size,
        hint: { source: "filebased" },
        ...(notes.length > 0 ? { notes } : {}),
      };
    },

    deleteEntries,

    async deleteListed(rows: KeyRow[]): Promise<number> {
      // A row listed as expired stands for that expired entry only: a fresh one written since under the name stays.
      const now = Date.now() / 1000;
      let deleted = 0;
      for (const row of rows.filter((r) => r.expired === true && r.file !== undefined)) {
        if ((await unlinkIfStillExpired(entryPath(dir(), assertFileName(row.file as string)), now)) !== null) deleted++;
      }
      const refs = rows
        .filter((r) => !(r.expired === true && r.file !== undefined))
        .map((row): EntryRef => (row.file !== undefined ? { file: row.file } : { raw: requireString(row.raw, "raw") }));
      deleted += await deleteEntries(refs);
      if (deleted > 0) forgetListings();
      return deleted;
    },

    async *iterate(opts: IterateOptions): AsyncIterable<KeyRow[]> {
      if (opts.prefix !== "") throw new FileCacheError("prefix_unsupported", PREFIX_MESSAGE);
      const where = dir();
      // A fresh listing: purges and analyses must see the directory as it is now.
      const { files } = await scanDirectory(where);
      const batch = Math.max(1, Math.min(20_000, Math.floor(opts.batch) || 1));
      const batches = Math.ceil(files.length / batch);
      if (!opts.withSizes) {
        for (let k = 0; k < batches; k++) {
          if (opts.signal?.aborted) return;
          const slice = files.slice(k * batch, (k + 1) * batch);
          opts.onScanned?.(slice.length);
          yield slice.map((file): KeyRow => ({ raw: null, file, type: "file" }));
        }
        return;
      }
      const mount = opts.withAccess ? await atimeOfDirectory(where).catch(() => null) : null;
      const atime = mount && mount.mode !== "noatime" ? mount.mode : null;
      // Two batches in flight: the reader threads never wait for the caller, and memory stays at two batches.
      const fetch = (k: number) => headRows(where, files.slice(k * batch, (k + 1) * batch), atime);
      const pending: Promise<KeyRow[]>[] = [];
      for (let k = 0; k < Math.min(2, batches); k++) pending.push(fetch(k));
      for (let k = 0; k < batches; k++) {
        const rows = await (pending.shift() as Promise<KeyRow[]>);
        if (opts.signal?.aborted) return;
        if (k + 2 < batches) pending.push(fetch(k + 2));
        opts.onScanned?.(Math.min(batch, files.length - k * batch));
        yield rows;
      }
    },

    async coldBasis(): Promise<ColdBasis> {
      return atimeBasis(await atimeOfDirectory(dir()));
    },

    async stats(): Promise<StatsSnapshot> {
      return { at: Date.now(), supported: false, reason: "FileBasedCache keeps no hit/miss counters", serverWide: false, servers: [] };
    },

    async health(): Promise<HealthReport> {
      return fileHealthReport(await fileCacheHealth(config));
    },

    /** Entries (every "*.djcache" file, as Django counts them) against MAX_ENTRIES: one readdir, no file read. */
    async limits(): Promise<EntryLimits> {
      const scan = await scanDirectory(dir());
      return { ...cullSettings(config), entries: scan.files.length + scan.otherCacheFiles.length + scan.notRegular };
    },

    /** `<LOCATION>/.cachescope/<alias>/<bucket>.jsonl`: not "*.djcache", so never listed, culled or cleared as an entry. */
    async readCounterBuckets(alias: string, buckets: number[]) {
      return readBucketFiles(dir(), [FILE_COUNTER_DIR], alias, buckets);
    },

    openProbeClient(): ProbeClient {
      return fileProbeClient(dir, forgetListings);
    },

    async close(): Promise<void> {
      forgetListings();
    },
  };
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== "string") throw new FileCacheError("invalid_file", `${name} must be a string.`);
  return value;
}
