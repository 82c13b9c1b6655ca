"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { queryKeys } from "../query-keys";
import type { CompareAnswer, ProbeJob } from "./types";

/** Every cache side by side; polled fast while a probe runs (its progress bar), slowly otherwise. */
export function useCompare(windowSeconds: number) {
  return useQuery({
    queryKey: queryKeys.compare(windowSeconds),
    queryFn: () => api<CompareAnswer>(`/api/compare?window=${windowSeconds}`),
    refetchInterval: (q) => (q.state.data?.caches.some((c) => c.running !== null) ? 500 : 15_000),
  });
}

export function startProbe(alias: string): Promise<{ job: ProbeJob }> {
  return api<{ job: ProbeJob }>(`/api/caches/${encodeURIComponent(alias)}/probe`, {
    method: "POST",
    body: JSON.stringify({ confirm: true }),
  });
}
