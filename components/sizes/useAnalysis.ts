"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { queryKeys } from "../query-keys";
import type { AnalysisJob, AnalysisState } from "./types";

/** The latest finished analysis of a cache and the running one, polled while one runs. */
export function useAnalysisState(alias: string) {
  return useQuery({
    queryKey: queryKeys.analysis(alias),
    queryFn: () => api<AnalysisState>(`/api/caches/${encodeURIComponent(alias)}/analysis`),
    refetchInterval: (q) => (q.state.data?.running ? 1000 : false),
  });
}

/** One analysis job followed to its end (null: none followed). */
export function useAnalysisJob(id: string | null) {
  return useQuery({
    queryKey: queryKeys.job(id),
    queryFn: () => api<AnalysisJob>(`/api/jobs/${encodeURIComponent(id ?? "")}`),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data && q.state.data.state !== "running" ? false : 500),
  });
}
