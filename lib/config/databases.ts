import { z } from "zod";
import type { ConfigError } from "./parse";
import { Secret, separateSecrets } from "./secrets";

/**
 * Django's DATABASES, for the caches that live in a database (DatabaseCache): given as JSON in CACHESCOPE_DATABASES or
 * under a top-level "DATABASES" key of the CACHESCOPE_CONFIG file. Each entry is split like an alias's OPTIONS:
 * PASSWORD (and OPTIONS password/passwd) masked in what is shown, the real values only in a Secret for connecting.
 */

export interface DatabaseEntry {
  /** The entry with secrets and USER masked: safe to show. */
  shown: Record<string, unknown>;
  /** The entry as given, for opening the connection only. */
  secret: Secret<Record<string, unknown>>;
}

export type Databases = ReadonlyMap<string, DatabaseEntry>;

const text = z.string({ error: "expected a string" });

const entrySchema = z
  .object({
    ENGINE: z.string({ error: "expected the database backend's dotted path as a string" }).min(1, "must not be empty"),
    NAME: text.optional(),
    USER: text.optional(),
    PASSWORD: text.optional(),
    HOST: text.optional(),
    PORT: z.union([z.string(), z.number().int()], { error: "expected a port number or a string" }).optional(),
    TIME_ZONE: text.nullable().optional(),
    OPTIONS: z.record(z.string(), z.unknown(), { error: "expected an object" }).optional(),
  })
  .passthrough();

function problem(field: string, message: string): ConfigError {
  return { alias: null, setting: "DATABASES", field, message };
}

/** Validates a DATABASES object: a broken entry is reported and left out, the others still load. */
export function parseDatabases(input: unknown): { databases: Databases; errors: ConfigError[] } {
  const databases = new Map<string, DatabaseEntry>();
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { databases, errors: [problem("", "expected an object of database aliases like Django's DATABASES")] };
  }
  const errors: ConfigError[] = [];
  for (const [alias, raw] of Object.entries(input)) {
    // Secrets are known before anything about the entry is reported, so no message can show them.
    const given = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
    const { shown } = separateSecrets({ locations: [], options: given });
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push(problem([alias, ...issue.path].join("."), issue.message));
      continue;
    }
    databases.set(alias, { shown: shown.options, secret: new Secret(given) });
  }
  return { databases, errors };
}
