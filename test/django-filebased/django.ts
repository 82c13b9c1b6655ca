import { execFileSync } from "node:child_process";
import path from "node:path";
import type { CacheConfig } from "@/lib/config/types";

const SCRIPT = path.join(__dirname, "djcache.py");

/** Runs djcache.py (a real Django 3.2 FileBasedCache on `dir`) and returns its JSON answer. */
export function django<T>(command: string, dir: string, args: Record<string, unknown> = {}): T {
  const out = execFileSync("/usr/bin/python3", [SCRIPT, command, dir, JSON.stringify(args)], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return JSON.parse(out) as T;
}

export interface WrittenEntry {
  key: string;
  rawKey: string;
  file: string;
  timeout: number | null;
  kind: "page" | "page_header" | "fragment" | "session" | "key";
}

export function fileCacheConfig(dir: string, options: Record<string, unknown> = {}): CacheConfig {
  return {
    alias: "files",
    backendPath: "django.core.cache.backends.filebased.FileBasedCache",
    locations: [dir],
    keyPrefix: "",
    version: 1,
    options,
    timeout: 300,
  };
}
