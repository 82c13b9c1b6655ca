import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

/** Where the e2e run lives: shared by playwright.config.ts, the global setup and the specs. */

export const ROOT = path.resolve(__dirname, "..");
export const RUN_DIR = path.join(ROOT, ".run");
/** CACHESCOPE_E2E_APP_PORT / CACHESCOPE_E2E_DEMO_PORT: a helper's own ports when another run holds the suite's. */
export const APP_PORT = Number(process.env.CACHESCOPE_E2E_APP_PORT ?? 3107);
export const BASE_URL = `http://127.0.0.1:${APP_PORT}`;
export const TOKEN = "e2e-token-0123456789";
/** The same app started with no configuration: the built-in demo. */
export const DEMO_PORT = Number(process.env.CACHESCOPE_E2E_DEMO_PORT ?? 3108);
export const DEMO_URL = `http://127.0.0.1:${DEMO_PORT}`;
export const DEMO_DATA_DIR = path.join(RUN_DIR, "demo-data");
/** Fixed, so every process of a run agrees on it; scripts/test.sh removes it before the app starts. */
export const AUDIT_LOG = path.join(RUN_DIR, "e2e-audit.log");
/** Written by e2e/prepare.sh when it starts the e2e Redis, removed by Redis when it stops. */
export const REDIS_PIDFILE = path.join(RUN_DIR, "e2e-redis.pid");
export const MEMCACHED_PIDFILE = path.join(RUN_DIR, "e2e-memcached.pid");
export const MANIFEST = path.join(RUN_DIR, "e2e-manifest.json");
const DJANGO_DIR = path.join(ROOT, "e2e", "django");

/** Two worker processes of the e2e site with the Django companion installed (e2e/companion.spec.ts starts them). */
export const DJANGO_WORKER_PORTS = [3111, 3112] as const;
/**
 * The companion's SINKS for the aliases that cannot hold counters, given to both the Django workers and the app
 * (CACHESCOPE_SINKS): the LocMemCache's go to a directory, the DummyCache's to the cs_redis alias.
 */
export const COMPANION_SINKS: Record<string, string> = {
  cs_local: path.join(RUN_DIR, "e2e-cs-sink"),
  cs_dummy: "cs_redis",
};

/** The Django CACHES the e2e site writes with; the app under test is given the same object. */
export const CACHES: Record<string, Record<string, unknown>> = JSON.parse(readFileSync(path.join(DJANGO_DIR, "caches.json"), "utf8"));

/** One entry the Django writer stored (e2e/django/write_cache.py, pyvalue.py). */
export interface ManifestEntry {
  alias: string;
  key: string;
  version: number;
  raw: string;
  kind: "page" | "page_header" | "fragment" | "session" | "key";
  ttl: number | null;
  repr: string;
  /** PyValue type (shared/API.md). */
  type: string;
  class?: string;
  /** Plain text a reader expects for scalars: str(), or isoformat() for dates and times. */
  display?: string;
  length?: number;
  response?: { status: number; contentType: string; bodyText: string };
  source: string;
  url?: string;
  fragment?: { name: string; varyOn: string[] };
  note?: string;
  /** Written already expired (FileBasedCache keeps such a file until the key is read). */
  expired?: boolean;
}

export interface Manifest {
  caches: typeof CACHES;
  host: string;
  entries: ManifestEntry[];
}

export function readManifest(): Manifest {
  return JSON.parse(readFileSync(MANIFEST, "utf8"));
}

export interface AskTargets {
  alias?: string;
  version?: number;
  keys?: string[];
  urls?: string[];
  fragments?: { name: string; varyOn: string[] }[];
}

/** Which of the targets Django itself now misses (e2e/django/ask.py), each returned as it was given. */
export function djangoMisses(targets: AskTargets): unknown[] {
  const args = [path.join(DJANGO_DIR, "ask.py"), "--alias", targets.alias ?? "default"];
  if (targets.version !== undefined) args.push("--version", String(targets.version));
  for (const key of targets.keys ?? []) args.push("--key", key);
  for (const url of targets.urls ?? []) args.push("--url", url);
  for (const fragment of targets.fragments ?? []) args.push("--fragment", JSON.stringify(fragment));
  // Debian's interpreter: its Django, django-redis and DRF are the ones the data was written with.
  const out = execFileSync("/usr/bin/python3", args, { encoding: "utf8" });
  return JSON.parse(out).missing;
}
