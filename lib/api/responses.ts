import type { Role } from "@/lib/auth/access";
import type { AuditStatus } from "@/lib/audit/types";
import type { CacheView } from "@/lib/browse/list-caches";
import type { ConfigError } from "@/lib/config/parse";

/**
 * Answers of the routes that assemble them here rather than in a service (shared/API.md), named once: the routes
 * build them, the pages import them (components/types.ts). Service answers are named next to their service
 * (ListKeysResult, EntryView, StatsAnswer, ...).
 */

/** GET /api/caches. */
export interface CachesAnswer {
  caches: CacheView[];
  configErrors: (ConfigError & { text: string })[];
  source: string;
  demo: boolean;
  readOnly: boolean;
  /** Whether the audit log can be written: while it cannot, every delete, purge and cancel is refused. */
  audit?: AuditStatus;
  /** The caller's role: a viewer changes nothing. */
  role: Role;
}

/** GET /api/caches/{alias}: the cache as listed, and whether this caller can change anything in it. */
export type CacheAnswer = CacheView & { readOnly: boolean; role: Role };
