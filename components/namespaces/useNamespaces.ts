"use client";

import { useQuery } from "@tanstack/react-query";
import type { NamespaceHistoryAnswer, NamespacesAnswer } from "@/lib/namespaces/service";
import { api } from "../api-client";
import { queryKeys } from "../query-keys";
import { POLL_MS } from "../stats/useHistory";

/** The companion's counters of one alias over a window, kept current. */
export function useNamespaces(alias: string, windowSeconds: number, { enabled = true } = {}) {
  return useQuery({
    queryKey: queryKeys.namespaces(alias, windowSeconds),
    queryFn: () => api<NamespacesAnswer>(`/api/caches/${encodeURIComponent(alias)}/namespaces?window=${windowSeconds}`),
    refetchInterval: POLL_MS,
    enabled,
  });
}

/** Every namespace summed, 10-s points over the last `seconds`: the alias's own ratio as Django saw it. */
export function useDjangoHistory(alias: string, seconds: number, { enabled = true } = {}) {
  return useQuery({
    queryKey: queryKeys.namespacesHistory(alias, seconds),
    queryFn: () =>
      api<NamespaceHistoryAnswer>(`/api/caches/${encodeURIComponent(alias)}/namespaces/history?since=${Date.now() - seconds * 1000}`),
    // Points are 10 s apart: polling faster would show nothing new.
    refetchInterval: 10_000,
    enabled,
  });
}
