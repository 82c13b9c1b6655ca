import { createHash } from "node:crypto";
import path from "node:path";
import type { CacheConfig } from "@/lib/config/types";
import { FileCacheError } from "./errors";

/** Django's cache_suffix: the only files FileBasedCache reads, culls or clears. */
export const SUFFIX = ".djcache";

const FILE_RE = /^[0-9a-f]{32}$/;
/** tempfile.mkstemp(dir=...) names: "tmp" + 8 characters of [a-z0-9_], no suffix (Django renames them into place). */
const TEMP_RE = /^tmp[a-z0-9_]{8}$/;

/** The 32-hex name a file parameter must be: nothing else can reach the file system, so no path can escape the directory. */
export function assertFileName(file: string): string {
  if (typeof file !== "string" || !FILE_RE.test(file)) {
    throw new FileCacheError(
      "invalid_file",
      `Invalid file "${String(file).slice(0, 80)}": expected 32 lowercase hex characters (the md5 name of a .djcache file).`,
    );
  }
  return file;
}

/** The file FileBasedCache uses for a final stored key: md5 of its UTF-8 bytes (Django's _key_to_file). */
export function fileForRawKey(raw: string): string {
  return createHash("md5").update(raw, "utf8").digest("hex");
}

export function entryPath(dir: string, file: string): string {
  return path.join(dir, assertFileName(file) + SUFFIX);
}

/** "<32 hex>.djcache" → the 32-hex name; anything else → null. */
export function entryFileOf(name: string): string | null {
  if (name.length !== 32 + SUFFIX.length || !name.endsWith(SUFFIX)) return null;
  const file = name.slice(0, 32);
  return FILE_RE.test(file) ? file : null;
}

export function isTempFileName(name: string): boolean {
  return TEMP_RE.test(name);
}

/** LOCATION is the directory (Django takes it as given and makes it absolute against its working directory). */
export function cacheDir(config: CacheConfig): string {
  const location = config.locations[0];
  if (typeof location !== "string" || location.trim() === "") {
    throw new FileCacheError("directory_unavailable", `Cache "${config.alias}": FileBasedCache needs LOCATION, the cache directory.`);
  }
  return path.resolve(location);
}

export interface CullSettings {
  maxEntries: number;
  cullFrequency: number;
}

/** MAX_ENTRIES and CULL_FREQUENCY as BaseCache reads them: int() of the option, the default when that fails. */
export function cullSettings(config: CacheConfig): CullSettings {
  return {
    maxEntries: pythonInt(config.options.MAX_ENTRIES, 300),
    cullFrequency: pythonInt(config.options.CULL_FREQUENCY, 3),
  };
}

function pythonInt(value: unknown, fallback: number): number {
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  return fallback;
}
