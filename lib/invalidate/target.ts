import { badRequest } from "@/lib/shared/errors";

/** What an invalidation aims at (shared/API.md POST /api/caches/{alias}/invalidate). */
export type Target =
  | { prefix: string }
  | {
      url: string;
      /** cache_page(key_prefix=...) / CACHE_MIDDLEWARE_KEY_PREFIX; Django's default is "". */
      keyPrefix?: string;
      /** Where keys cannot be listed (FileBasedCache): the language / time zone suffixes to compute keys for. */
      languages?: string[];
      timezones?: string[];
    }
  | { fragment: { name: string; varyOn?: string[] } }
  | { keys: string[] }
  /** Every key under the alias's KEY_PREFIX (an addition to API.md's targets: "clear" is its own action). */
  | { clear: true }
  /** Every key of the alias at a version other than its VERSION: what Django never reads again (additive). */
  | { oldVersions: true }
  /** Entries past their expiry that the backend still holds (FileBasedCache deletes them only when read) (additive). */
  | { expired: true };

export type TargetKind = "prefix" | "url" | "fragment" | "keys" | "clear" | "oldVersions" | "expired";

/** Targets that are a single `true` flag. */
const FLAG_TARGETS = ["clear", "oldVersions", "expired"] as const;

export interface InvalidateRequest {
  target: Target;
  allVersions: boolean;
  dryRun: boolean;
}

const MAX_TEXT = 8192;
const MAX_KEYS = 10_000;
const MAX_LIST = 50;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function onlyFields(o: Obj, allowed: string[], where: string): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length > 0)
    throw badRequest(`${where}: unknown field${extra.length > 1 ? "s" : ""} ${extra.join(", ")} (allowed: ${allowed.join(", ")})`);
}

function text(v: unknown, where: string, opts: { min?: number; max?: number } = {}): string {
  if (typeof v !== "string") throw badRequest(`${where}: expected a string`);
  const min = opts.min ?? 0;
  const max = opts.max ?? MAX_TEXT;
  if (v.length < min) throw badRequest(`${where}: must not be empty`);
  if (v.length > max) throw badRequest(`${where}: at most ${max} characters`);
  return v;
}

function textList(v: unknown, where: string, maxItems: number, opts: { min?: number; max?: number } = {}): string[] {
  if (!Array.isArray(v)) throw badRequest(`${where}: expected a list of strings`);
  if (v.length > maxItems) throw badRequest(`${where}: at most ${maxItems} items`);
  return v.map((item, i) => text(item, `${where}[${i}]`, opts));
}

function flag(v: unknown, where: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") throw badRequest(`${where}: expected true or false`);
  return v;
}

function parseTarget(v: unknown): Target {
  if (!isObj(v))
    throw badRequest(
      'target: expected an object: {"prefix"} | {"url"} | {"fragment"} | {"keys"} | {"clear": true} | {"oldVersions": true} | {"expired": true}',
    );
  const kinds = (["prefix", "url", "fragment", "keys", ...FLAG_TARGETS] as const).filter((k) => k in v);
  if (kinds.length !== 1) {
    throw badRequest(
      `target: give exactly one of prefix, url, fragment, keys, ${FLAG_TARGETS.join(", ")} (got ${kinds.length === 0 ? "none" : kinds.join(", ")})`,
    );
  }
  const kind = kinds[0];
  if ((FLAG_TARGETS as readonly string[]).includes(kind)) {
    onlyFields(v, [kind], "target");
    if (v[kind] !== true) throw badRequest(`target.${kind}: must be true`);
    return { [kind]: true } as Target;
  }
  switch (kind) {
    case "prefix": {
      onlyFields(v, ["prefix"], "target");
      const prefix = text(v.prefix, "target.prefix", { max: 2048 });
      if (prefix === "") {
        throw badRequest(
          'target.prefix: an empty prefix selects the whole cache; that is "clear", its own action ({"target": {"clear": true}})',
        );
      }
      return { prefix };
    }
    case "url": {
      onlyFields(v, ["url", "keyPrefix", "languages", "timezones"], "target");
      return {
        url: text(v.url, "target.url", { min: 1 }),
        ...(v.keyPrefix !== undefined ? { keyPrefix: text(v.keyPrefix, "target.keyPrefix", { max: 256 }) } : {}),
        ...(v.languages !== undefined ? { languages: textList(v.languages, "target.languages", MAX_LIST, { min: 1, max: 64 }) } : {}),
        ...(v.timezones !== undefined ? { timezones: textList(v.timezones, "target.timezones", MAX_LIST, { min: 1, max: 64 }) } : {}),
      };
    }
    case "fragment": {
      onlyFields(v, ["fragment"], "target");
      const f = v.fragment;
      if (!isObj(f)) throw badRequest('target.fragment: expected {"name": "...", "varyOn": [...]}');
      onlyFields(f, ["name", "varyOn"], "target.fragment");
      const name = text(f.name, "target.fragment.name", { min: 1, max: 512 });
      return { fragment: f.varyOn === undefined ? { name } : { name, varyOn: textList(f.varyOn, "target.fragment.varyOn", 100) } };
    }
    case "keys": {
      onlyFields(v, ["keys"], "target");
      const keys = textList(v.keys, "target.keys", MAX_KEYS, { min: 1, max: 65536 });
      if (keys.length === 0) throw badRequest("target.keys: give at least one key");
      return { keys };
    }
  }
  throw badRequest(`target: unknown kind ${kind}`);
}

/** Validates a request body, answering 400 with what is wrong. dryRun defaults to true: deleting is asked for explicitly. */
export function parseInvalidateRequest(body: unknown): InvalidateRequest {
  if (!isObj(body)) throw badRequest("the body must be a JSON object with a target");
  onlyFields(body, ["target", "allVersions", "dryRun"], "body");
  return {
    target: parseTarget(body.target),
    allVersions: flag(body.allVersions, "allVersions", false),
    dryRun: flag(body.dryRun, "dryRun", true),
  };
}

export function targetKind(target: Target): TargetKind {
  if ("prefix" in target) return "prefix";
  if ("url" in target) return "url";
  if ("fragment" in target) return "fragment";
  if ("keys" in target) return "keys";
  if ("oldVersions" in target) return "oldVersions";
  if ("expired" in target) return "expired";
  return "clear";
}
