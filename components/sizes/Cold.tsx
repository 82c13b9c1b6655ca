"use client";

import Link from "next/link";
import type { ColdFigures, ColdNamespace, ColdTopRow, KeysBytes } from "@/lib/analysis/types";
import { formatBytes, formatCount, formatTtl } from "@/lib/format";
import { HistogramBars, ttlLabel } from "./Charts";
import { noExpiryHref } from "./links";
import { entryColumns } from "./entry-columns";
import { SortableTable } from "./SortableTable";

const BASIS: Record<NonNullable<ColdFigures["basis"]>, string> = {
  fetched: "memcached fetch flag and last access",
  idletime: "Redis OBJECT IDLETIME",
  lfu: "Redis OBJECT FREQ (LFU counter)",
  atime: "file access times",
};

function share(part: KeysBytes | null, whole: number): string {
  if (!part) return "—";
  const pct = whole > 0 ? Math.round((100 * part.bytes) / whole) : 0;
  return `${formatCount(part.keys)} · ${formatBytes(part.bytes)} (${pct}%)`;
}

function lfuLabel(le: number | null, prev: number | null): string {
  return le === null ? `> ${prev}` : `≤ ${le}`;
}

/** The analysis's cold figures: what is cached and not read, per top-level namespace, and the biggest such entries. */
export function Cold({ alias, cold, namedKeys }: { alias: string; cold: ColdFigures; namedKeys: boolean }) {
  const idleColumns = cold.namespaces.some((n) => n.idleOver1h || n.idleOver24h);
  return (
    <div className="space-y-3" data-testid="cold">
      <p className="text-xs text-slate-600" data-testid="cold-basis">
        <span className="font-semibold">{cold.basis ? `From ${BASIS[cold.basis]}.` : "Read/idle figures unavailable."}</span> {cold.note}
      </p>
      <SortableTable<ColdNamespace>
        testId="cold-table"
        rows={cold.namespaces}
        rowKey={(n) => n.name}
        columns={[
          {
            id: "name",
            label: "Namespace",
            sort: (n) => n.name,
            cell: (n) => <span className="mono">{n.name === "" ? "(no namespace)" : n.name}</span>,
          },
          { id: "keys", label: "Keys", numeric: true, sort: (n) => n.keys, cell: (n) => formatCount(n.keys) },
          { id: "bytes", label: "Bytes", numeric: true, sort: (n) => n.bytes, cell: (n) => formatBytes(n.bytes) },
          ...(cold.basis === "fetched"
            ? [
                {
                  id: "never",
                  label: "Never read",
                  numeric: true,
                  sort: (n: ColdNamespace) => n.neverRead?.bytes ?? -1,
                  cell: (n: ColdNamespace) => share(n.neverRead, n.bytes),
                },
              ]
            : []),
          ...(idleColumns
            ? [
                {
                  id: "idle1h",
                  label: "Idle > 1 h",
                  numeric: true,
                  sort: (n: ColdNamespace) => n.idleOver1h?.bytes ?? -1,
                  cell: (n: ColdNamespace) => share(n.idleOver1h, n.bytes),
                },
                {
                  id: "idle24h",
                  label: "Idle > 24 h",
                  numeric: true,
                  sort: (n: ColdNamespace) => n.idleOver24h?.bytes ?? -1,
                  cell: (n: ColdNamespace) => share(n.idleOver24h, n.bytes),
                },
              ]
            : []),
          {
            id: "noExpiry",
            label: "Never expire",
            numeric: true,
            sort: (n) => n.noExpiry.bytes,
            cell: (n) =>
              n.noExpiry.keys > 0 && namedKeys && n.name !== "(other)" ? (
                <Link className="text-sky-800 hover:underline" href={noExpiryHref(alias, n.prefix)}>
                  {share(n.noExpiry, n.bytes)}
                </Link>
              ) : (
                share(n.noExpiry, n.bytes)
              ),
          },
        ]}
      />
      {cold.histogram ? (
        <div>
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-600">
            {cold.histogram.unit === "lfu" ? "LFU counters (5 = a new key; lower = decayed unread)" : "Time since last access"}
          </h3>
          <HistogramBars
            testId="idle-histogram"
            buckets={cold.histogram.buckets}
            label={cold.histogram.unit === "lfu" ? lfuLabel : ttlLabel}
          />
        </div>
      ) : null}
      {cold.top.length > 0 ? (
        <div>
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-600">Biggest cold entries</h3>
          <SortableTable<ColdTopRow>
            testId="cold-top-table"
            rows={cold.top}
            rowKey={(t, i) => `${t.raw ?? t.file}-${i}`}
            columns={[
              ...entryColumns(alias),
              {
                id: "idle",
                label: cold.basis === "lfu" ? "LFU counter" : "Idle",
                numeric: true,
                sort: (t) => t.idleSeconds ?? t.freq ?? -1,
                cell: (t) => (t.idleSeconds !== null ? formatTtl(t.idleSeconds) : t.freq !== undefined ? String(t.freq) : "—"),
              },
              {
                id: "read",
                label: "Read",
                cell: (t) => (t.fetched === undefined ? "—" : t.fetched ? "yes" : "never"),
              },
            ]}
          />
        </div>
      ) : null}
    </div>
  );
}
