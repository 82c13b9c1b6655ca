import path from "node:path";
import { createBackend } from "@/lib/backends/registry";
import type { CacheBackend } from "@/lib/backends/types";
import { loadConfig, type ConfigSource, type Env } from "@/lib/config/load";
import type { CacheConfig } from "@/lib/config/types";
import { notFound } from "@/lib/shared/errors";
import { parseAuthSettings, type AuthSettings } from "@/lib/auth/settings";
import { RevokedSessions, sessionKey } from "@/lib/auth/session";
import { LoginThrottle } from "@/lib/auth/throttle";
import { NonceBook } from "@/lib/auth/django";
import { demoCaches } from "@/lib/demo/caches";

export interface ServerContext extends AuthSettings {
  config: ConfigSource;
  readOnly: boolean;
  /** Signs session cookies; derived from the tokens. */
  sessionKey: Buffer;
  /** Sessions logged out before they expire (in memory: a restart forgets them). */
  revoked: RevokedSessions;
  /** Wrong-token backoff per client (login and bearer tokens). */
  throttle: LoginThrottle;
  /** Nonces of Django sign-in assertions already accepted, until they expire. */
  nonces: NonceBook;
  auditLogPath: string;
  dataDir: string;
  backends: Map<string, CacheBackend | null>;
}

/** Next may load this module more than once (route bundles): keep one context per process. */
const holder = globalThis as unknown as { __cachescope?: ServerContext };

export function dataDir(env: Env = process.env): string {
  // Runtime paths chosen by the operator: keep the bundler from tracing the whole project through them.
  return path.resolve(/*turbopackIgnore: true*/ env.CACHESCOPE_DATA_DIR ?? path.join(process.cwd(), "data"));
}

/** Throws AuthConfigError for a setting the server cannot start with (a token too short, ...). */
function build(env: Env): ServerContext {
  const auth = parseAuthSettings(env);
  const dir = dataDir(env);
  const config = loadConfig(env, () => demoCaches(dir));
  return {
    ...auth,
    config,
    sessionKey: sessionKey(auth.token, auth.viewerToken),
    revoked: new RevokedSessions(),
    throttle: new LoginThrottle(),
    nonces: new NonceBook(),
    readOnly: env.CACHESCOPE_READ_ONLY === "1" || env.CACHESCOPE_READ_ONLY === "true",
    auditLogPath: path.resolve(/*turbopackIgnore: true*/ env.CACHESCOPE_AUDIT_LOG ?? path.join(dir, "audit.log")),
    dataDir: dir,
    backends: new Map(),
  };
}

export function getContext(): ServerContext {
  holder.__cachescope ??= build(process.env);
  return holder.__cachescope;
}

export function findCache(alias: string): CacheConfig {
  const cache = getContext().config.caches.find((c) => c.alias === alias);
  if (!cache) throw notFound(`no cache alias "${alias}" is configured`);
  return cache;
}

/** The backend of an alias, made on first use; null for kinds Cachescope cannot inspect. */
export function backendFor(cache: CacheConfig): CacheBackend | null {
  const { backends } = getContext();
  if (!backends.has(cache.alias)) backends.set(cache.alias, createBackend(cache));
  return backends.get(cache.alias) ?? null;
}
