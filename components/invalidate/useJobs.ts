"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { queryKeys } from "../query-keys";
import type { JobView } from "./types";

/** This cache's running and recent jobs, polled faster while one runs. */
export function useJobs(alias: string) {
  return useQuery({
    queryKey: queryKeys.jobs(alias),
    queryFn: () => api<{ jobs: JobView[] }>(`/api/jobs?alias=${encodeURIComponent(alias)}`),
    refetchInterval: (query) => (query.state.data?.jobs.some((j) => j.state === "running") ? 700 : 4000),
  });
}

/** DELETE /api/jobs/{id}: the job stops after its current batch; a finished one is answered as it is. */
export function cancelJob<J = JobView>(id: string): Promise<J> {
  return api<J>(`/api/jobs/${encodeURIComponent(id)}`, { method: "DELETE" });
}
