/**
 * Shapes of API answers as the pages read them (shared/API.md): the server's own types, imported as types only (nothing of
 * the server is bundled). Answers the routes assemble are named once in lib/api/responses.ts.
 */
export type { CacheAnswer, CachesAnswer } from "@/lib/api/responses";
export type { HealthReport, HealthSection, RedisServerHealth } from "@/lib/backends/types";
export type { CacheView } from "@/lib/browse/list-caches";
export type { ListKeysResult } from "@/lib/browse/list-keys";
export type { EntryView } from "@/lib/browse/read-entry";
export type { KeyView } from "@/lib/browse/rows";
export type { PyValue } from "@/lib/codecs/pyvalue";
export type { LimitKind } from "@/lib/codecs/types";
export type { DjangoKind } from "@/lib/django/keys";
