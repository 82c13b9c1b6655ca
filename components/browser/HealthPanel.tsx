"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { queryKeys } from "../query-keys";
import type { HealthReport } from "../types";
import { Notice } from "../ui";

/** GET /api/caches/{alias}/health: empty facts where the backend keeps none. */
type HealthAnswer = HealthReport & { supported: boolean };

/** The backend's own health facts (FileBasedCache: entries vs MAX_ENTRIES, expired, unreadable files). */
export function HealthPanel({ alias }: { alias: string }) {
  const q = useQuery({
    queryKey: queryKeys.health(alias),
    queryFn: () => api<HealthAnswer>(`/api/caches/${encodeURIComponent(alias)}/health`),
    refetchInterval: 15_000,
  });
  // A Redis alias asks its server whether it is a cluster before it knows whether it has facts to tell.
  if (!q.data?.supported || (q.data.facts.length === 0 && q.data.warnings.length === 0)) return null;
  return (
    <div className="space-y-2 rounded border border-slate-200 bg-white p-2" data-testid="health-panel">
      <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-600">Health</h2>
      <dl className="space-y-1 text-xs">
        {q.data.facts.map((f) => (
          <div key={f.label} className="flex justify-between gap-2">
            <dt className="text-slate-500">{f.label}</dt>
            <dd className={`mono truncate ${f.warn ? "font-semibold text-red-700" : ""}`} title={f.value}>
              {f.value}
            </dd>
          </div>
        ))}
      </dl>
      {q.data.warnings.map((w) => (
        <Notice key={w} tone="warn" title={w} />
      ))}
    </div>
  );
}
