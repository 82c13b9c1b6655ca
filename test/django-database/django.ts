import { execFileSync } from "node:child_process";
import path from "node:path";
import type { CacheConfig } from "@/lib/config/types";
import { Secret } from "@/lib/config/secrets";

const SCRIPT = path.join(__dirname, "djdb.py");

/** Runs djdb.py (a real Django 3.2 DatabaseCache on `table` in the database `entry` names) and returns its JSON answer. */
export function django<T>(command: string, entry: Record<string, unknown>, table: string, args: Record<string, unknown> = {}): T {
  const out = execFileSync("/usr/bin/python3", [SCRIPT, command, JSON.stringify(entry), table, JSON.stringify(args)], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return JSON.parse(out) as T;
}

/** A DatabaseCache alias on `table` of the database `entry` describes, as the config parser would build it. */
export function databaseCacheConfig(
  entry: Record<string, unknown>,
  table: string,
  extra: Partial<Pick<CacheConfig, "alias" | "keyPrefix" | "version" | "options">> = {},
): CacheConfig {
  const options = extra.options ?? {};
  return {
    alias: extra.alias ?? "db",
    backendPath: "django.core.cache.backends.db.DatabaseCache",
    locations: [table],
    keyPrefix: extra.keyPrefix ?? "",
    version: extra.version ?? 1,
    options,
    timeout: 300,
    database: { alias: "default", shown: { ...entry, PASSWORD: "***" } },
    connection: new Secret({ locations: [table], options, database: entry }),
  };
}
