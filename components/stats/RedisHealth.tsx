"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { formatCount } from "@/lib/format";
import { api } from "../api-client";
import { queryKeys } from "../query-keys";
import type { HealthReport, HealthSection, RedisServerHealth } from "../types";
import { Notice, Spinner } from "../ui";

/**
 * The Redis health panel of the Stats tab, per server: slow log (keys mapped to Django namespaces), latency events,
 * LATENCY DOCTOR, MEMORY DOCTOR and the commands with the most time. Read once and on demand (Refresh): each is a
 * server command, not something to poll.
 */
export function RedisHealthPanel({ alias, server }: { alias: string; server: string | null }) {
  const q = useQuery({
    queryKey: queryKeys.serverHealth(alias),
    queryFn: () => api<HealthReport>(`/api/caches/${encodeURIComponent(alias)}/health?servers=1`),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const servers = (q.data?.servers ?? []).filter((s) => server === null || s.server === server);
  return (
    <section className="space-y-2 rounded border border-slate-200 bg-white p-3" data-testid="redis-health">
      <div className="flex items-center gap-3">
        <h3 className="font-medium">Server health</h3>
        <button
          type="button"
          className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-50"
          onClick={() => void q.refetch()}
          disabled={q.isFetching}
          data-testid="redis-health-refresh"
        >
          {q.isFetching ? "Reading…" : "Refresh"}
        </button>
        <span className="text-xs text-slate-500">
          SLOWLOG GET, LATENCY LATEST and DOCTOR, MEMORY DOCTOR, INFO commandstats: one command each, read when asked.
        </span>
      </div>
      {q.isPending ? <Spinner label="Asking the server…" /> : null}
      {q.isError ? (
        <Notice tone="error" title="Could not read the server's health">
          {q.error.message}
        </Notice>
      ) : null}
      {servers.map((h) => (
        <ServerHealth key={h.server} health={h} />
      ))}
    </section>
  );
}

function Section<T>({ title, section, children }: { title: string; section: HealthSection<T>; children: (value: T) => ReactNode }) {
  return (
    <div className="space-y-1">
      <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-600">{title}</h4>
      {section.ok ? (
        children(section.value)
      ) : (
        <p className="text-xs text-amber-800" data-testid="health-unavailable">
          Unavailable: {section.reason}
        </p>
      )}
    </div>
  );
}

function ServerHealth({ health }: { health: RedisServerHealth }) {
  return (
    <div className="space-y-3 border-t border-slate-100 pt-2" data-testid="redis-health-server">
      <p className="mono text-xs text-slate-500">
        {health.server} · read {new Date(health.at).toLocaleTimeString()}
      </p>
      <Section title="Slow log" section={health.slowlog}>
        {(entries) =>
          entries.length === 0 ? (
            <p className="text-xs text-slate-500">No command slower than slowlog-log-slower-than since the log was last reset.</p>
          ) : (
            <table className="w-full text-xs" data-testid="slowlog-table">
              <thead className="text-left text-slate-500">
                <tr>
                  <th className="pr-3">When</th>
                  <th className="pr-3">Took</th>
                  <th className="pr-3">Command</th>
                  <th className="pr-3">Namespace</th>
                  <th className="pr-3">Key</th>
                  <th>Client</th>
                </tr>
              </thead>
              <tbody className="tabular-nums">
                {entries.map((e) => (
                  <tr key={e.id} className="border-t border-slate-100">
                    <td className="pr-3">{new Date(e.at).toLocaleTimeString()}</td>
                    <td className="pr-3">{e.micros >= 1000 ? `${(e.micros / 1000).toFixed(1)} ms` : `${e.micros} µs`}</td>
                    <td className="mono pr-3" title={`${e.args} argument(s); values are not shown`}>
                      {e.command}
                    </td>
                    <td className="mono pr-3">{e.namespace ?? "—"}</td>
                    <td className="mono max-w-xs truncate pr-3" title={e.rawKey ?? undefined}>
                      {e.key ?? e.rawKey ?? "—"}
                    </td>
                    <td className="mono">{e.client ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Section>
      <Section title="Latency events" section={health.latency}>
        {(events) =>
          events.length === 0 ? (
            <p className="text-xs text-slate-500">No latency event recorded (latency-monitor-threshold may be 0: monitoring off).</p>
          ) : (
            <ul className="text-xs tabular-nums">
              {events.map((e) => (
                <li key={e.event}>
                  <span className="mono">{e.event}</span>: latest {e.latestMs} ms at {new Date(e.at).toLocaleTimeString()}, max {e.maxMs} ms
                </li>
              ))}
            </ul>
          )
        }
      </Section>
      <Section title="Latency doctor" section={health.latencyDoctor}>
        {(text) => <pre className="max-h-48 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-2 text-xs">{text}</pre>}
      </Section>
      <Section title="Memory doctor" section={health.memoryDoctor}>
        {(text) => <pre className="max-h-48 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-2 text-xs">{text}</pre>}
      </Section>
      <Section title="Top commands by total time" section={health.commands}>
        {(rows) => (
          <table className="text-xs" data-testid="commandstats-table">
            <thead className="text-left text-slate-500">
              <tr>
                <th className="pr-3">Command</th>
                <th className="pr-3">Calls</th>
                <th className="pr-3">Total</th>
                <th>Per call</th>
              </tr>
            </thead>
            <tbody className="tabular-nums">
              {rows.map((c) => (
                <tr key={c.command} className="border-t border-slate-100">
                  <td className="mono pr-3">{c.command}</td>
                  <td className="pr-3">{formatCount(c.calls)}</td>
                  <td className="pr-3">{(c.usec / 1000).toFixed(1)} ms</td>
                  <td>{c.usecPerCall.toFixed(1)} µs</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}
