import { z } from "zod";
import { classifyBackend } from "./backends";
import type { Databases } from "./databases";
import { redactText, Secret, separateSecrets } from "./secrets";
import type { CacheConfig } from "./types";

export interface ConfigError {
  /** The alias the problem is in; null for the document as a whole. */
  alias: string | null;
  /** The Django setting it is in (default CACHES; DATABASES problems name the database alias in `field`). */
  setting?: "CACHES" | "DATABASES";
  field: string | null;
  message: string;
}

const aliasSchema = z
  .object({
    BACKEND: z.string({ error: "expected the backend's dotted path as a string" }).min(1, "must not be empty"),
    LOCATION: z.union([z.string(), z.array(z.string())], { error: "expected a string or a list of strings" }).optional(),
    KEY_PREFIX: z.string({ error: "expected a string" }).optional(),
    VERSION: z.number({ error: "expected an integer" }).int("expected an integer").optional(),
    TIMEOUT: z.number({ error: "expected a number of seconds or null" }).nullable().optional(),
    OPTIONS: z.record(z.string(), z.unknown(), { error: "expected an object" }).optional(),
    KEY_FUNCTION: z.string({ error: "expected a dotted path" }).optional(),
  })
  .passthrough();

/** Django splits a LOCATION string on ";" and "," for some backends (their descriptor says; a list is taken as is). */
function splitLocations(location: string | string[] | undefined, splits: boolean): string[] {
  if (location === undefined) return [];
  const list = Array.isArray(location) ? location : splits ? location.split(/[;,]/) : [location];
  return list.map((l) => l.trim()).filter((l) => l.length > 0);
}

/** An alias that fails validation still has its secrets known, so no message about it can show them. */
function registerLooseSecrets(raw: unknown): void {
  if (typeof raw !== "object" || raw === null) return;
  const { LOCATION, OPTIONS } = raw as Record<string, unknown>;
  const locations = (Array.isArray(LOCATION) ? LOCATION : [LOCATION]).filter((l): l is string => typeof l === "string");
  const options = typeof OPTIONS === "object" && OPTIONS !== null ? (OPTIONS as Record<string, unknown>) : {};
  separateSecrets({ locations, options });
}

/** The OPTIONS key of ours naming the DATABASES alias a DatabaseCache lives in (Django's router decides; default "default"). */
export const DATABASE_OPTION = "CACHESCOPE_DATABASE";

function parseAlias(alias: string, raw: unknown, databases: Databases): { config?: CacheConfig; errors: ConfigError[] } {
  registerLooseSecrets(raw);
  const parsed = aliasSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      errors: parsed.error.issues.map((issue) => ({
        alias,
        field: issue.path.length ? issue.path.join(".") : null,
        message: issue.message,
      })),
    };
  }
  const s = parsed.data;
  const known = classifyBackend(s.BACKEND);
  const rules = known.descriptor?.location ?? { split: false, required: false };
  const locations = splitLocations(s.LOCATION, rules.split);
  if (rules.required && locations.length === 0) {
    return { errors: [{ alias, field: "LOCATION", message: `${s.BACKEND} needs a LOCATION` }] };
  }
  const { shown, secret } = separateSecrets({ locations, options: s.OPTIONS ?? {} });
  let database: CacheConfig["database"];
  let connection = secret;
  if (known.descriptor?.usesDatabase) {
    const named = s.OPTIONS?.[DATABASE_OPTION];
    if (named !== undefined && (typeof named !== "string" || named === "")) {
      return { errors: [{ alias, field: `OPTIONS.${DATABASE_OPTION}`, message: "expected the name of an alias in DATABASES" }] };
    }
    const dbAlias = named ?? "default";
    const entry = databases.get(dbAlias);
    database = { alias: dbAlias, shown: entry?.shown ?? null };
    if (entry) connection = new Secret({ ...secret.reveal(), database: entry.secret.reveal() });
  }
  const config: CacheConfig = {
    alias,
    backendPath: s.BACKEND,
    locations: shown.locations,
    keyPrefix: s.KEY_PREFIX ?? "",
    version: s.VERSION ?? 1,
    options: shown.options,
    timeout: s.TIMEOUT === undefined ? 300 : s.TIMEOUT,
    connection,
  };
  if (database) config.database = database;
  if (known.note) config.note = known.note;
  if (s.KEY_FUNCTION) {
    config.customKeyFunction = true;
    config.note = `KEY_FUNCTION ${s.KEY_FUNCTION} is set: keys may not follow "prefix:version:key", so Django names are shown raw.`;
  }
  return { config, errors: [] };
}

/** Validates a Django CACHES object. A broken alias is reported and left out; the others still load. */
export function parseCaches(input: unknown, databases: Databases = new Map()): { caches: CacheConfig[]; errors: ConfigError[] } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { caches: [], errors: [{ alias: null, field: null, message: "expected an object of aliases like Django's CACHES" }] };
  }
  const caches: CacheConfig[] = [];
  const errors: ConfigError[] = [];
  for (const [alias, value] of Object.entries(input)) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(alias)) {
      errors.push({ alias, field: null, message: "an alias must be 1-64 letters, digits, '_', '.' or '-'" });
      continue;
    }
    const r = parseAlias(alias, value, databases);
    errors.push(...r.errors);
    if (r.config) caches.push(r.config);
  }
  if (caches.length === 0 && errors.length === 0) {
    errors.push({ alias: null, field: null, message: "no cache aliases configured" });
  }
  return { caches, errors };
}

export function formatConfigError(e: ConfigError): string {
  if (e.setting === "DATABASES") {
    const [db, ...field] = (e.field ?? "").split(".");
    return redactText(`DATABASES${db ? `["${db}"]` : ""}${field.length ? `.${field.join(".")}` : ""}: ${e.message}`);
  }
  const where = e.alias === null ? "CACHES" : `CACHES["${e.alias}"]${e.field ? `.${e.field}` : ""}`;
  return redactText(`${where}: ${e.message}`);
}
