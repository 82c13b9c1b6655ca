import { api } from "../api-client";
import type { DryRunResult, InvalidateRequest, JobView } from "./types";

function post<T>(alias: string, body: InvalidateRequest): Promise<T> {
  return api<T>(`/api/caches/${encodeURIComponent(alias)}/invalidate`, { method: "POST", body: JSON.stringify(body) });
}

/** Counts what an invalidation would delete; nothing is deleted. */
export function dryRunInvalidate(alias: string, body: Omit<InvalidateRequest, "dryRun">): Promise<DryRunResult> {
  return post(alias, { ...body, dryRun: true });
}

/** Starts the deletion as a background job (audited by the server). */
export function startInvalidate(alias: string, body: Omit<InvalidateRequest, "dryRun">): Promise<{ job: JobView }> {
  return post(alias, { ...body, dryRun: false });
}
