"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api } from "../api-client";
import { queryKeys, type KeyFilters } from "../query-keys";
import type { ListKeysResult } from "../types";

const PAGE = 100;

/** The listing under the filters, page after page from the URL's cursor, with the rows, per-server errors and work summed. */
export function useKeys(alias: string, filters: KeyFilters, { enabled }: { enabled: boolean }) {
  const { prefix, allVersions, raw, cursor, sort, noExpiry } = filters;
  const keys = useInfiniteQuery({
    queryKey: queryKeys.keys(alias, filters),
    enabled,
    initialPageParam: cursor,
    queryFn: ({ pageParam }) => {
      const q = new URLSearchParams({ count: String(PAGE) });
      if (prefix) q.set("prefix", prefix);
      if (allVersions) q.set("allVersions", "1");
      if (raw) q.set("raw", "1");
      if (pageParam) q.set("cursor", pageParam);
      if (sort) q.set("sort", sort);
      if (noExpiry) q.set("noExpiry", "1");
      return api<ListKeysResult>(`/api/caches/${encodeURIComponent(alias)}/keys?${q}`);
    },
    getNextPageParam: (last) => last.cursor,
  });
  const rows = useMemo(() => keys.data?.pages.flatMap((p) => p.keys) ?? [], [keys.data]);
  const serverErrors = useMemo(() => {
    const m = new Map<string, string>();
    for (const p of keys.data?.pages ?? []) for (const e of p.errors ?? []) m.set(e.server, e.error);
    return [...m];
  }, [keys.data]);
  const scanned = useMemo(() => keys.data?.pages.reduce((n, p) => n + p.scanned, 0) ?? 0, [keys.data]);
  const nextCursor = keys.data?.pages.at(-1)?.cursor ?? null;
  return { keys, rows, serverErrors, scanned, nextCursor };
}
