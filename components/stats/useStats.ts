"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { queryKeys } from "../query-keys";
import type { StatsAnswer } from "./types";
import { POLL_MS } from "./useHistory";

/** A cache's counters over the last `windowSeconds`, polled while `poll`. */
export function useStats(alias: string, windowSeconds: number, { poll = true, enabled = true } = {}) {
  return useQuery({
    queryKey: queryKeys.stats(alias, windowSeconds),
    queryFn: () => api<StatsAnswer>(`/api/caches/${encodeURIComponent(alias)}/stats?window=${windowSeconds}`),
    refetchInterval: poll ? POLL_MS : false,
    enabled,
  });
}
