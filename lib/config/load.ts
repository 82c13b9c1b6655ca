import { readFileSync } from "node:fs";
import { parseDatabases, type Databases } from "./databases";
import { parseCaches, type ConfigError } from "./parse";
import type { CacheConfig } from "./types";

export interface ConfigSource {
  caches: CacheConfig[];
  errors: ConfigError[];
  /** "CACHESCOPE_CACHES", "CACHESCOPE_CONFIG (<path>)", or "demo". */
  source: string;
  demo: boolean;
}

/**
 * What is wrong with a JSON document, without V8's quote of the text around it: that quote can hold a password
 * (the document failed to parse, so its secrets are not known yet and could not be masked).
 */
function jsonProblem(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const quote = message.indexOf('"');
  return quote < 0 ? message : message.slice(0, quote).replace(/[,\s]+$/, "");
}

function parseJson(text: string, where: string): { value?: unknown; error?: ConfigError } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: { alias: null, field: null, message: `${where} is not valid JSON: ${jsonProblem(e)}` } };
  }
}

/**
 * Reads CACHESCOPE_CACHES (JSON) or CACHESCOPE_CONFIG (a JSON file). Neither set: the demo, whose caches the caller supplies.
 */
export type Env = Record<string, string | undefined>;

/**
 * Django's DATABASES (for DatabaseCache aliases): CACHESCOPE_DATABASES, else the file document's "DATABASES" key.
 * Its problems are reported beside the caches' own.
 */
function loadDatabases(env: Env, fromFile: unknown): { databases: Databases; errors: ConfigError[] } {
  const inline = env.CACHESCOPE_DATABASES?.trim();
  if (inline) {
    const { value, error } = parseJson(inline, "CACHESCOPE_DATABASES");
    if (error) return { databases: new Map(), errors: [{ ...error, setting: "DATABASES" }] };
    return parseDatabases(value);
  }
  return fromFile === undefined ? { databases: new Map(), errors: [] } : parseDatabases(fromFile);
}

function withDatabases(caches: unknown, env: Env, fromFile?: unknown): Omit<ConfigSource, "source" | "demo"> {
  const db = loadDatabases(env, fromFile);
  const parsed = parseCaches(caches, db.databases);
  return { caches: parsed.caches, errors: [...db.errors, ...parsed.errors] };
}

/** A file holds the CACHES dict; a top-level "DATABASES" key beside the aliases is Django's DATABASES. */
function splitFile(doc: unknown): { caches: unknown; databases?: unknown } {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc) || !("DATABASES" in doc)) return { caches: doc };
  const { DATABASES, ...caches } = doc as Record<string, unknown>;
  return { caches, databases: DATABASES };
}

export function loadConfig(env: Env, demoCaches: () => unknown): ConfigSource {
  const inline = env.CACHESCOPE_CACHES?.trim();
  const file = env.CACHESCOPE_CONFIG?.trim();
  if (inline) {
    const { value, error } = parseJson(inline, "CACHESCOPE_CACHES");
    if (error) return { caches: [], errors: [error], source: "CACHESCOPE_CACHES", demo: false };
    return { ...withDatabases(value, env), source: "CACHESCOPE_CACHES", demo: false };
  }
  if (file) {
    const source = `CACHESCOPE_CONFIG (${file})`;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      const message = `cannot read CACHESCOPE_CONFIG file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      return { caches: [], errors: [{ alias: null, field: null, message }], source, demo: false };
    }
    const { value, error } = parseJson(text, file);
    if (error) return { caches: [], errors: [error], source, demo: false };
    const { caches, databases } = splitFile(value);
    return { ...withDatabases(caches, env, databases), source, demo: false };
  }
  return { ...parseCaches(demoCaches()), source: "demo", demo: true };
}
