"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { queryKeys } from "../query-keys";
import type { CacheAnswer, CachesAnswer } from "../types";

/** One cache, its capabilities and whether this caller may change it: every page of the cache reads this one query. */
export function useCache(alias: string) {
  return useQuery({ queryKey: queryKeys.cache(alias), queryFn: () => api<CacheAnswer>(`/api/caches/${encodeURIComponent(alias)}`) });
}

/** Every configured cache with its status; the home page keeps it current. */
export function useCaches({ refetchInterval }: { refetchInterval?: number } = {}) {
  return useQuery({ queryKey: queryKeys.caches(), queryFn: () => api<CachesAnswer>("/api/caches"), refetchInterval });
}
