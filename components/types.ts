/**
 * Shapes of API answers as the pages read them (shared/API.md): the server's own types, imported as types only (nothing of
 * the server is bundled). Answers the server builds inline are composed here from its parts, never copied.
 */
import type { AuditStatus } from "@/lib/audit/types";
import type { Role } from "@/lib/auth/access";
import type { CacheView } from "@/lib/browse/list-caches";
import type { ConfigError } from "@/lib/config/parse";

export type { HealthReport } from "@/lib/backends/types";
export type { CacheView } from "@/lib/browse/list-caches";
export type { ListKeysResult } from "@/lib/browse/list-keys";
export type { EntryView } from "@/lib/browse/read-entry";
export type { KeyView } from "@/lib/browse/rows";
export type { PyValue } from "@/lib/codecs/pyvalue";
export type { LimitKind } from "@/lib/codecs/types";
export type { DjangoKind } from "@/lib/django/keys";

/** GET /api/caches/{alias}: the cache as listed, plus whether this caller can change anything (read-only mode or a viewer). */
export type CacheAnswer = CacheView & { readOnly: boolean; role: Role };

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
