"use client";

import { useQuery } from "@tanstack/react-query";
import type { AuditAction } from "@/lib/audit/types";
import { api } from "../api-client";
import { queryKeys } from "../query-keys";

/** The audit log's actions matching `query` (limit, alias, action), newest first, kept current. */
export function useAudit(query: URLSearchParams) {
  const qs = query.toString();
  return useQuery({
    queryKey: queryKeys.audit(qs),
    queryFn: () => api<{ entries: AuditAction[] }>(`/api/audit?${qs}`),
    refetchInterval: 5000,
  });
}
