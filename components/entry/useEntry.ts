"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { queryKeys } from "../query-keys";
import type { EntryView } from "../types";

/** One entry, decoded; `query` is the page's own query string (key, raw or file), passed on as it is. */
export function useEntry(alias: string, query: string) {
  return useQuery({
    queryKey: queryKeys.entry(alias, query),
    queryFn: () => api<EntryView>(`/api/caches/${encodeURIComponent(alias)}/entry?${query}`),
  });
}
