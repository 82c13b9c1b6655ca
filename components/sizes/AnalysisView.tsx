"use client";

import Link from "next/link";
import { analysisCsv, analysisJson } from "@/lib/analysis/export";
import type { AnalysisResult, GroupRow, ServerRow, TopRow } from "@/lib/analysis/types";
import { formatBytes, formatCount, formatTtl } from "@/lib/format";
import { entryHref } from "../browser/entry-href";
import { Notice } from "../ui";
import { HistogramBars, KindBars, sizeLabel, ttlLabel } from "./Charts";
import { Cold } from "./Cold";
import { browseHref } from "./links";
import { Namespaces } from "./Namespaces";
import { Versions } from "./OldVersions";
import { entryColumns } from "./entry-columns";
import { SortableTable } from "./SortableTable";

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="space-y-2 rounded border border-slate-200 bg-white p-3" data-testid={testId}>
      <h2 className="font-semibold">{title}</h2>
      {children}
    </section>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <div className="text-xs text-slate-500">{label}</div>
      <div className="text-lg font-semibold tabular-nums" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

export function AnalysisView(props: { alias: string; result: AnalysisResult; finishedAt: string | null; canPurge: boolean }) {
  const { alias, result: r } = props;
  const stamp = (props.finishedAt ?? new Date().toISOString()).replace(/[:.]/g, "-");
  const approx = r.sampled ? "≈ " : "";
  return (
    <div className="space-y-3" data-testid="analysis">
      <div className="flex flex-wrap items-end gap-6 rounded border border-slate-200 bg-white p-3">
        <Stat label="Keys" value={`${approx}${formatCount(r.keys)}`} testId="total-keys" />
        <Stat label="Bytes" value={`${approx}${formatBytes(r.bytes)}`} testId="total-bytes" />
        <Stat label="Average entry" value={formatBytes(r.keys ? Math.round(r.bytes / r.keys) : 0)} />
        <Stat label="Without expiry" value={`${approx}${formatCount(r.noTtl)}`} />
        <div className="text-xs text-slate-500">
          {r.sampled ? `estimate from ${formatCount(r.sampleSize ?? 0)} sampled keys` : "exact: every key walked"} · took{" "}
          {(r.durationMs / 1000).toFixed(1)} s
          {props.finishedAt ? ` · finished ${props.finishedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC")}` : ""}
        </div>
        <div className="ml-auto flex gap-2">
          <button
            className="rounded border border-slate-300 px-2 py-1 text-sm"
            onClick={() => download(`${alias}-sizes-${stamp}.json`, "application/json", analysisJson(r))}
          >
            Export JSON
          </button>
          <button
            className="rounded border border-slate-300 px-2 py-1 text-sm"
            onClick={() => download(`${alias}-sizes-${stamp}.csv`, "text/csv", analysisCsv(r))}
          >
            Export CSV
          </button>
        </div>
      </div>

      {r.warnings.length > 0 ? (
        <div className="space-y-2" data-testid="warnings">
          {r.warnings.map((w, i) => (
            <Notice key={`${w.code}:${i}`} tone={w.code === "sampled" ? "info" : "warn"} title={w.message}>
              {w.examples && w.examples.length > 0 ? (
                <ul className="mono list-disc pl-5 text-xs">
                  {w.examples.map((e) => (
                    <li key={e} className="break-all">
                      {r.namedKeys ? (
                        <Link className="hover:underline" href={entryHref(alias, { raw: e })}>
                          {e}
                        </Link>
                      ) : (
                        <Link className="hover:underline" href={entryHref(alias, { raw: null, file: e })}>
                          {e}
                        </Link>
                      )}
                    </li>
                  ))}
                </ul>
              ) : null}
            </Notice>
          ))}
        </div>
      ) : null}

      {r.cold ? (
        <Section title="Cold: cached and not read" testId="cold-section">
          <Cold alias={alias} cold={r.cold} namedKeys={r.namedKeys} />
        </Section>
      ) : null}

      <Section title="By kind">
        <KindBars rows={r.byKind} />
      </Section>

      <Section title="Namespaces" testId="namespaces">
        <Namespaces alias={alias} root={r.namespaces} namedKeys={r.namedKeys} />
      </Section>

      {r.byServer ? (
        <Section title="By node">
          <SortableTable<ServerRow>
            testId="server-size-table"
            rows={r.byServer}
            rowKey={(x) => x.server}
            columns={[
              { id: "server", label: "Node", sort: (x) => x.server, cell: (x) => <span className="mono">{x.server}</span> },
              { id: "keys", label: "Keys", numeric: true, sort: (x) => x.keys, cell: (x) => formatCount(x.keys) },
              { id: "bytes", label: "Bytes", numeric: true, sort: (x) => x.bytes, cell: (x) => formatBytes(x.bytes) },
              {
                id: "share",
                label: "Share of bytes",
                numeric: true,
                sort: (x) => x.bytes,
                cell: (x) => (r.bytes > 0 ? `${((x.bytes / r.bytes) * 100).toFixed(1)}%` : "—"),
              },
            ]}
          />
        </Section>
      ) : null}

      {r.byVersion.length > 0 ? (
        <Section title="By version">
          <Versions alias={alias} rows={r.byVersion} version={r.version} canPurge={props.canPurge} sampled={r.sampled} />
        </Section>
      ) : null}

      {r.groups.length > 0 ? (
        <Section title="Groups: template fragments and numbered series">
          <SortableTable<GroupRow>
            testId="group-table"
            rows={r.groups}
            rowKey={(g) => `${g.kind}:${g.name}`}
            columns={[
              { id: "kind", label: "Kind", sort: (g) => g.kind, cell: (g) => g.kind },
              { id: "name", label: "Name", sort: (g) => g.name, cell: (g) => <span className="mono break-all">{g.name}</span> },
              { id: "keys", label: "Keys", numeric: true, sort: (g) => g.keys, cell: (g) => formatCount(g.keys) },
              { id: "bytes", label: "Bytes", numeric: true, sort: (g) => g.bytes, cell: (g) => formatBytes(g.bytes) },
              ...(r.cold?.basis
                ? [
                    {
                      id: "cold",
                      label: "Cold",
                      numeric: true,
                      sort: (g: GroupRow) => g.cold?.bytes ?? -1,
                      cell: (g: GroupRow) =>
                        g.cold ? `${formatBytes(g.cold.bytes)} (${g.bytes > 0 ? Math.round((100 * g.cold.bytes) / g.bytes) : 0}%)` : "—",
                    },
                  ]
                : []),
              {
                id: "examples",
                label: "Examples",
                cell: (g) => <span className="mono break-all text-xs text-slate-600">{g.examples.join("  ")}</span>,
              },
              {
                id: "open",
                label: "",
                cell: (g) => (
                  <Link href={browseHref(alias, g.prefix)} className="text-sky-800 hover:underline">
                    browse
                  </Link>
                ),
              },
            ]}
          />
        </Section>
      ) : null}

      <Section title={`Largest entries${r.sampled ? " in the sample" : ""}`}>
        <SortableTable<TopRow>
          testId="top-table"
          rows={r.top}
          rowKey={(t, i) => `${t.raw ?? t.file}-${i}`}
          columns={[
            ...entryColumns(alias),
            {
              id: "ttl",
              label: "TTL",
              numeric: true,
              sort: (t) => (t.ttl === null ? Infinity : (t.ttl ?? -1)),
              cell: (t) => formatTtl(t.ttl),
            },
          ]}
        />
      </Section>

      <div className="grid gap-3 md:grid-cols-2">
        <Section title="Entry sizes">
          <HistogramBars testId="size-histogram" buckets={r.sizeHistogram} label={sizeLabel} />
        </Section>
        <Section title="Time to expiry">
          <HistogramBars testId="ttl-histogram" buckets={r.ttlHistogram} label={ttlLabel} extra={{ label: "never", count: r.noTtl }} />
        </Section>
      </div>
    </div>
  );
}
