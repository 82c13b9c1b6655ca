import type { Connection, Secret } from "./secrets";

/** One alias of Django's CACHES, validated and normalised. */
export interface CacheConfig {
  alias: string;
  /** The BACKEND dotted path as configured (lib/backends/registry.ts finds its backend by it). */
  backendPath: string;
  /** LOCATION split the way Django splits it (strings on ";" and ","), passwords masked: safe to show. */
  locations: string[];
  keyPrefix: string;
  version: number;
  /** OPTIONS as given (validated per backend by the backend itself), secret values masked: safe to show. */
  options: Record<string, unknown>;
  /**
   * The real LOCATIONs and OPTIONS, for opening connections only (read them with connectionOf). Absent for a config
   * built in code rather than parsed, whose fields are then taken as they are.
   */
  connection?: Secret<Connection>;
  /** TIMEOUT as given (seconds; null = never). */
  timeout: number | null;
  /** Why this alias cannot be inspected (a path no backend takes), its backend's note, or a custom KEY_FUNCTION warning. */
  note?: string;
  /** True when KEY_FUNCTION is set: keys may not follow prefix:version:key. */
  customKeyFunction?: boolean;
  /**
   * Backends whose entries live in a database (DatabaseCache): the DATABASES alias Django would use and its entry with
   * secrets masked (null when DATABASES has no such alias). The real entry is in `connection`.
   */
  database?: { alias: string; shown: Record<string, unknown> | null };
}

export interface LoadedConfig {
  caches: CacheConfig[];
  /** Where it came from: "env", "file:<path>", or "demo". */
  source: string;
  demo: boolean;
}
