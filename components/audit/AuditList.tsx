"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useUrlState } from "../ui/url-state";
import { useCaches } from "../caches/useCache";
import type { AuditAction } from "@/lib/audit/types";
import { Notice, Spinner } from "../ui";
import { useAudit } from "./useAudit";

const time = (at: string) => at.replace("T", " ").replace(/\.\d+Z$/, "");

function outcomeTone(e: AuditAction): string {
  if (e.outcome.startsWith("failed")) return "text-red-700";
  if (!e.finished && e.outcome === "running") return "text-sky-700";
  if (!e.finished) return "text-amber-700";
  return "";
}

const ACTIONS = [
  "delete",
  "purge",
  "invalidate-url",
  "invalidate-fragment",
  "delete-keys",
  "clear",
  "purge-old-versions",
  "purge-expired",
  "cancel",
  "login",
];

/** Filters (cache, action, person) live in the query string, so a filtered audit view can be shared. */
function Filters() {
  const { params, set } = useUrlState();
  const caches = useCaches();
  return (
    <div className="flex flex-wrap items-center gap-3 text-xs">
      <label className="flex items-center gap-1">
        Cache
        <select
          value={params.get("alias") ?? ""}
          onChange={(e) => set({ alias: e.target.value })}
          className="rounded border border-slate-300 px-1 py-0.5"
          aria-label="Cache"
        >
          <option value="">all</option>
          {caches.data?.caches.map((c) => (
            <option key={c.alias} value={c.alias}>
              {c.alias}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-1">
        Action
        <select
          value={params.get("action") ?? ""}
          onChange={(e) => set({ action: e.target.value })}
          className="rounded border border-slate-300 px-1 py-0.5"
          aria-label="Action"
        >
          <option value="">all</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-1">
        Person
        <input
          defaultValue={params.get("person") ?? ""}
          onKeyDown={(e) => {
            if (e.key === "Enter") set({ person: e.currentTarget.value.trim() });
          }}
          onBlur={(e) => set({ person: e.currentTarget.value.trim() })}
          placeholder="Django username or token"
          className="mono w-44 rounded border border-slate-300 px-1 py-0.5"
          aria-label="Person"
        />
      </label>
    </div>
  );
}

export function AuditList() {
  const params = useSearchParams();
  const query = new URLSearchParams({ limit: "500" });
  for (const name of ["alias", "action", "person"]) {
    const value = params.get(name);
    if (value) query.set(name, value);
  }
  const q = useAudit(query);
  return (
    <div className="space-y-3">
      <Filters />
      <AuditTable q={q} filtered={query.has("alias") || query.has("action") || query.has("person")} />
    </div>
  );
}

function AuditTable({ q, filtered }: { q: UseQueryResult<{ entries: AuditAction[] }>; filtered: boolean }) {
  if (q.isPending) return <Spinner label="Reading the audit log…" />;
  if (q.isError)
    return (
      <Notice tone="error" title="Cannot read the audit log">
        {q.error.message}
      </Notice>
    );
  if (q.data.entries.length === 0 && filtered) return <Notice tone="info" title="No entries match these filters" />;
  if (q.data.entries.length === 0) {
    return (
      <Notice tone="info" title="Nothing recorded yet">
        Every delete, purge and invalidation is recorded here before it happens, with who did it, then what it removed as it goes.
      </Notice>
    );
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
          <tr key={e.id ?? `${e.at}-${i}`} className="border-t border-slate-100 align-top">
            <td className="mono px-2 py-1 whitespace-nowrap">
              {time(e.startedAt ?? e.at)}
              {e.startedAt && e.startedAt !== e.at ? <div className="text-slate-500">last {time(e.at)}</div> : null}
            </td>
            <td className="mono px-2 py-1">
              <span data-testid="audit-actor">{e.actor}</span>
              {e.person ? (
                <span className="text-slate-500" title="Django user id">
                  {" "}
                  #{e.person.userId}
                </span>
              ) : null}
              {e.role ? <div className="text-slate-500">{e.role}</div> : null}
            </td>
            <td className="px-2 py-1">{e.alias}</td>
            <td className="px-2 py-1">
              {e.action}
              {e.dryRun ? " (dry run)" : ""}
            </td>
            <td className="mono break-all px-2 py-1">{JSON.stringify(e.target)}</td>
            <td className="px-2 py-1 text-right tabular-nums">{e.matched ?? "—"}</td>
            <td className="px-2 py-1 text-right tabular-nums">{e.deleted ?? "—"}</td>
            <td
              className={`px-2 py-1 ${outcomeTone(e)}`}
              title={e.records ? `${e.records} record(s): intent, progress, outcome` : undefined}
            >
              {e.outcome}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
