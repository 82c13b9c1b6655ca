import { kindOf, type BackendKind } from "@/lib/backends/registry";
import type { BackendStatus, Capabilities } from "@/lib/backends/types";
import { redactDeep, redactText } from "@/lib/config/secrets";
import type { CacheConfig } from "@/lib/config/types";
import { backendFor } from "@/lib/server/context";

export interface CacheView {
  alias: string;
  backend: string;
  kind: BackendKind | "unsupported";
  locations: string[];
  keyPrefix: string;
  version: number;
  capabilities: Capabilities;
  status: BackendStatus;
  note?: string;
}

const NONE: Capabilities = { listKeys: false, invalidatePrefix: false, serverStats: false, ttl: false, sizes: false };
/** One slow cache must not hold up the home page. */
export const STATUS_TIMEOUT_MS = 3000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function describeCache(cache: CacheConfig): Promise<CacheView> {
  const base = {
    alias: cache.alias,
    // The API names the dotted path "backend" (shared/API.md).
    backend: cache.backendPath,
    kind: kindOf(cache),
    // Masked at parse time already; masked again here because this is what every page shows.
    locations: cache.locations.map(redactText),
    keyPrefix: cache.keyPrefix,
    version: cache.version,
    ...(cache.note ? { note: cache.note } : {}),
  };
  const backend = backendFor(cache);
  if (!backend) {
    return { ...base, capabilities: NONE, status: { ok: false, error: cache.note ?? "not inspectable" } };
  }
  let status: BackendStatus;
  try {
    status = await withTimeout(backend.status(), STATUS_TIMEOUT_MS, "status check");
  } catch (e) {
    status = { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  // A driver's words about a failed connection can quote what it was given.
  return { ...base, capabilities: backend.capabilities, status: redactDeep(status) };
}

/** Every configured cache with its status, checked in parallel: one broken cache never breaks the list. */
export function describeCaches(caches: CacheConfig[]): Promise<CacheView[]> {
  return Promise.all(caches.map(describeCache));
}
