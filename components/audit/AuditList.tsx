"use client";

import { useQuery } from "@tanstack/react-query";
import type { AuditEntry } from "@/lib/audit/log";
import { api } from "../api-client";
import { Notice, Spinner } from "../ui";

type AuditItem = AuditEntry;

export function AuditList() {
  const q = useQuery({ queryKey: ["audit"], queryFn: () => api<{ entries: AuditItem[] }>("/api/audit?limit=500"), refetchInterval: 5000 });
  if (q.isPending) return <Spinner label="Reading the audit log…" />;
  if (q.isError) return <Notice tone="error" title="Cannot read the audit log">{q.error.message}</Notice>;
  if (q.data.entries.length === 0) {
    return <Notice tone="info" title="Nothing recorded yet">Every delete, purge and invalidation is recorded here, with who did it and what it removed.</Notice>;
  }
  return (
    <table className="w-full border-collapse rounded border border-slate-200 bg-white text-xs" data-testid="audit-table">
      <thead className="bg-slate-100 text-left uppercase tracking-wide text-slate-600">
        <tr>
          <th className="px-2 py-1.5">When (UTC)</th>
          <th className="px-2 py-1.5">Who</th>
          <th className="px-2 py-1.5">Cache</th>
          <th className="px-2 py-1.5">Action</th>
          <th className="px-2 py-1.5">Target</th>
          <th className="px-2 py-1.5 text-right">Matched</th>
          <th className="px-2 py-1.5 text-right">Deleted</th>
          <th className="px-2 py-1.5">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {q.data.entries.map((e, i) => (
          <tr key={`${e.at}-${i}`} className="border-t border-slate-100 align-top">
            <td className="mono px-2 py-1 whitespace-nowrap">{e.at.replace("T", " ").replace(/\.\d+Z$/, "")}</td>
            <td className="mono px-2 py-1">{e.actor}</td>
            <td className="px-2 py-1">{e.alias}</td>
            <td className="px-2 py-1">
              {e.action}
              {e.dryRun ? " (dry run)" : ""}
            </td>
            <td className="mono break-all px-2 py-1">{JSON.stringify(e.target)}</td>
            <td className="px-2 py-1 text-right tabular-nums">{e.matched ?? "—"}</td>
            <td className="px-2 py-1 text-right tabular-nums">{e.deleted ?? "—"}</td>
            <td className={`px-2 py-1 ${e.outcome.startsWith("failed") ? "text-red-700" : ""}`}>{e.outcome}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
