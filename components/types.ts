/** Shapes of API answers as the pages read them (shared/API.md): the server's own types, imported as types only. */
import type { BackendStatus } from "@/lib/backends/types";
import type { CacheView } from "@/lib/browse/list-caches";
import type { ListKeysResult } from "@/lib/browse/list-keys";
import type { EntryView } from "@/lib/browse/read-entry";
import type { KeyView } from "@/lib/browse/rows";
import type { PyValue } from "@/lib/codecs/pyvalue";
import type { DjangoKind } from "@/lib/django/keys";

export type { PyValue };
export type { CacheAnswer, CachesAnswer } from "@/lib/api/responses";

export type CacheStatus = BackendStatus;
export type CacheItem = CacheView;

export type Kind = DjangoKind;
export type KeyItem = KeyView;
export type KeysAnswer = ListKeysResult;
export type EntryAnswer = EntryView;
