import path from "node:path";
import { z } from "zod";

/**
 * CACHESCOPE_SINKS: where the counters of an alias that cannot hold them (DummyCache, LocMemCache) are read from — the
 * same dict as the companion's CACHESCOPE["SINKS"]: alias → another alias (its store, under this alias's name) or an
 * absolute directory (<dir>/<alias>/<bucket>.jsonl).
 */

export type Sink = { alias: string } | { dir: string };

export interface SinksConfig {
  sinks: Map<string, Sink>;
  /** Each problem names the alias and what was expected; the other entries still apply. */
  errors: string[];
}

const entry = z
  .string({ error: "expected another alias's name or an absolute directory path" })
  .min(1, "expected another alias's name or an absolute directory path")
  .max(4096, "at most 4096 characters");
const schema = z.record(z.string().min(1, "an alias name must not be empty").max(512), z.unknown(), {
  error: 'expected a JSON object such as {"dummy": "default"} or {"dummy": "/var/lib/cachescope"}',
});

export function parseSinks(text: string | undefined, aliases: readonly string[]): SinksConfig {
  const sinks = new Map<string, Sink>();
  const errors: string[] = [];
  if (text === undefined || text.trim() === "") return { sinks, errors };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { sinks, errors: [`CACHESCOPE_SINKS is not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return {
      sinks,
      errors: parsed.error.issues.map((i) => `CACHESCOPE_SINKS${i.path.length ? `["${i.path.join(".")}"]` : ""}: ${i.message}`),
    };
  }
  for (const [alias, value] of Object.entries(parsed.data)) {
    const where = `CACHESCOPE_SINKS["${alias}"]`;
    const v = entry.safeParse(value);
    if (!v.success) {
      errors.push(`${where}: ${v.error.issues[0]?.message ?? "invalid"}`);
      continue;
    }
    const target = v.data;
    if (target.startsWith("/") || path.isAbsolute(target)) {
      sinks.set(alias, { dir: path.resolve(target) });
    } else if (aliases.includes(target)) {
      sinks.set(alias, { alias: target });
    } else if (target.startsWith(".")) {
      errors.push(`${where}: "${target}" is a relative path; give an absolute directory`);
    } else {
      errors.push(`${where}: "${target}" is neither a configured alias (${aliases.join(", ") || "none"}) nor an absolute directory`);
    }
  }
  return { sinks, errors };
}
