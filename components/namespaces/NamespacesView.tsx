"use client";

import Link from "next/link";
import { useMemo } from "react";
import type { NamespaceRow } from "@/lib/namespaces/aggregate";
import type { NamespacesAnswer } from "@/lib/namespaces/service";
import type { LatencySummary } from "@/lib/namespaces/timing";
import { useCache } from "../caches/useCache";
import { useUrlState } from "../ui/url-state";
import { formatRate, formatRatio, formatSince } from "../stats/format";
import { Sparkline } from "../stats/Sparkline";
import { Figure, Notice, Spinner } from "../ui";
import { namespaceLinks } from "./links";
import { FLAG_LABEL, SKIP_LABEL, WINDOWS, filterRows, parseSort, parseWindow, sortRows, type SortName, type WindowName } from "./table";
import { formatMs, formatPercentiles, formatSaved, formatWork } from "./timing-format";
import { useNamespaces } from "./useNamespaces";

const COLUMNS: { sort: SortName; label: string; title: string }[] = [
  { sort: "requests", label: "requests/s", title: "gets (hits + misses) per second" },
  { sort: "ratio", label: "hit ratio", title: "hits ÷ (hits + misses); — without reads" },
  { sort: "misses", label: "misses/s", title: "misses per second" },
  { sort: "sets", label: "sets/s", title: "sets per second" },
  { sort: "deletes", label: "deletes/s", title: "deletes per second" },
];

/** A cache's namespaces as the Django companion counted them: rates, ratios, flags and where to act on each. */
export function NamespacesView({ alias }: { alias: string }) {
  const { params, set } = useUrlState();
  const win = parseWindow(params.get("window"));
  const { sort, desc } = parseSort(params.get("sort"), params.get("order"));
  const q = params.get("q") ?? "";
  const info = useCache(alias);
  const ns = useNamespaces(alias, WINDOWS[win]);
  const rows = useMemo(() => sortRows(filterRows(ns.data?.namespaces ?? [], q), sort, desc), [ns.data, q, sort, desc]);

  if (ns.isPending) return <Spinner label="Reading the companion's counters…" />;
  if (ns.isError)
    return (
      <Notice tone="error" title="Could not read the counters">
        {ns.error.message}
      </Notice>
    );
  const a = ns.data;
  if (a.source === null) return <EmptyState answer={a} />;
  const keyNames = info.data?.capabilities.keyNames !== false;

  const sortBy = (s: SortName) => set({ sort: s === "misses" ? null : s, order: s === sort ? (desc ? "asc" : "desc") : null });
  return (
    <div className="space-y-3">
      {a.simulated ? (
        <Notice tone="info" title="Simulated traffic">
          These counts come from the demo&apos;s built-in traffic simulator, written in the Django companion&apos;s format every 10 s. With
          your own caches they come from <code>cachescope_django</code>.
        </Notice>
      ) : null}
      <div className="flex flex-wrap items-end gap-6">
        <Figure label={`Hit ratio from Django, last ${win}`} testId="ns-total-ratio" value={formatRatio(a.total.hitRatio)} />
        <Figure label="Requests" testId="ns-total-requests" value={formatRate(a.total.requestsPerSec)} />
        <Figure label="Misses" testId="ns-total-misses" value={formatRate(a.total.missesPerSec)} />
        <Figure label="Namespaces" testId="ns-count" value={String(a.namespaces.length)} />
        <Figure label="get latency (p50 · p95 · p99)" testId="ns-total-get" value={percentileTriple(a.latency?.get)} />
        <Figure label="set latency (p50 · p95 · p99)" testId="ns-total-set" value={percentileTriple(a.latency?.set)} />
        <Figure label="Cost per miss" testId="ns-total-cost" value={formatMs(a.saved.costPerMissMs)} />
        <Figure
          label="Work saved by hits"
          testId="ns-total-saved"
          value={a.saved.savedSecondsPerSecond === null ? "unknown" : formatWork(a.saved.savedSecondsPerSecond)}
        />
        <div className="text-xs text-slate-500">
          {a.updatedAt !== null ? `last flush ${formatSince(a.updatedAt, ns.dataUpdatedAt)} ago` : "no flush in this window"} · {a.records}{" "}
          records · read from {a.from}
        </div>
        <div className="ml-auto flex items-center gap-2">
          <input
            value={q}
            onChange={(e) => set({ q: e.target.value })}
            placeholder="filter by name"
            aria-label="Filter namespaces by name"
            className="mono w-48 rounded border border-slate-300 px-2 py-1 text-xs"
          />
          <div className="flex gap-1" role="group" aria-label="Window">
            {(Object.keys(WINDOWS) as WindowName[]).map((w) => (
              <button
                key={w}
                type="button"
                aria-pressed={w === win}
                onClick={() => set({ window: w === "1m" ? null : w })}
                className={`rounded border px-2 py-1 text-xs ${w === win ? "border-sky-600 bg-sky-600 text-white" : "border-slate-300 bg-white"}`}
              >
                {w}
              </button>
            ))}
          </div>
        </div>
      </div>

      {a.skipped ? (
        <Notice tone="warn" title="Some counter data was skipped">
          {Object.entries(a.skipped)
            .map(([reason, n]) => `${n} ${SKIP_LABEL[reason] ?? reason}`)
            .join(" · ")}
          . Written by a companion of another version, cut short, or not the companion&apos;s at all: the rest is shown.
        </Notice>
      ) : null}
      {a.warnings?.map((w) => (
        <Notice key={w} tone="warn" title="CACHESCOPE_SINKS">
          {w}
        </Notice>
      ))}
      {a.latency === null ? (
        <p className="text-xs text-slate-500" data-testid="ns-no-timing">
          No latency or recompute timings in this window: the companion writing these counters predates timing (cachescope_django with
          timing writes them with every flush).
        </p>
      ) : null}

      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="w-full text-sm" data-testid="ns-table">
          <thead className="bg-slate-50 text-left text-xs text-slate-600">
            <tr>
              <SortHeader
                label="namespace"
                active={sort === "name"}
                desc={desc}
                onClick={() => sortBy("name")}
                title="as the companion named it"
              />
              <th className="px-2 py-1">kind</th>
              {COLUMNS.map((c) => (
                <SortHeader
                  key={c.sort}
                  label={c.label}
                  active={sort === c.sort}
                  desc={desc}
                  onClick={() => sortBy(c.sort)}
                  title={c.title}
                  numeric
                />
              ))}
              <th className="px-2 py-1" title="latency of gets: p50 · p95 · p99 from the companion's histograms">
                get latency
              </th>
              <th className="px-2 py-1" title="latency of sets and adds: p50 · p95 · p99">
                set latency
              </th>
              <th
                className="px-2 py-1"
                title="what a miss cost to recompute (get_or_set's callable, a miss then its set, a cached view's time), and the work hits saved"
              >
                time saved
              </th>
              <th className="px-2 py-1">hit ratio over {win}</th>
              <th className="px-2 py-1">flags</th>
              <th className="px-2 py-1" />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Row key={r.name} alias={alias} row={r} answer={a} keyNames={keyNames} />
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? (
          <p className="px-3 py-2 text-slate-500">{q ? `No namespace matches “${q}”.` : `No cache calls counted in the last ${win}.`}</p>
        ) : null}
      </div>
    </div>
  );
}

function Row({ alias, row, answer, keyNames }: { alias: string; row: NamespaceRow; answer: NamespacesAnswer; keyNames: boolean }) {
  const links = namespaceLinks(alias, row.name, row.kind, keyNames);
  const step = answer.sparkStepSeconds * 1000;
  const points = row.spark.map((v, i) => ({ t: answer.sparkFrom + (i + 1) * step, v }));
  return (
    <tr className="border-t border-slate-100 hover:bg-slate-50" data-testid="ns-row">
      {/* Names come from whoever can write the cache: rendered as text, never as markup. */}
      <td className="mono max-w-[24rem] truncate px-2 py-1" title={row.name} data-testid="ns-name">
        {row.name === "" ? <span className="italic text-slate-400">(empty name)</span> : row.name}
      </td>
      <td className="px-2 py-1 text-xs text-slate-600">{row.kind}</td>
      <td className="px-2 py-1 text-right tabular-nums" title={`${row.hits + row.misses} gets`}>
        {formatRate(row.requestsPerSec)}
      </td>
      <td className="px-2 py-1 text-right tabular-nums" title={`${row.hits} hits, ${row.misses} misses`} data-testid="ns-ratio">
        {formatRatio(row.hitRatio)}
      </td>
      <td className="px-2 py-1 text-right tabular-nums" title={`${row.misses} misses`}>
        {formatRate(row.missesPerSec)}
      </td>
      <td className="px-2 py-1 text-right tabular-nums" title={`${row.sets} sets, ${row.adds} adds`}>
        {formatRate(row.setsPerSec)}
      </td>
      <td className="px-2 py-1 text-right tabular-nums" title={`${row.deletes} deletes`}>
        {formatRate(row.deletesPerSec)}
      </td>
      <td className="whitespace-nowrap px-2 py-1 text-xs tabular-nums" data-testid="ns-get-latency" title={latencyTitle(row.latency?.get)}>
        {formatPercentiles(row.latency?.get)}
      </td>
      <td className="whitespace-nowrap px-2 py-1 text-xs tabular-nums" data-testid="ns-set-latency" title={latencyTitle(row.latency?.set)}>
        {formatPercentiles(row.latency?.set)}
      </td>
      <td
        className={`whitespace-nowrap px-2 py-1 text-xs tabular-nums ${row.saved.costPerMissMs === null ? "text-slate-400" : ""}`}
        data-testid="ns-saved"
        title={
          row.saved.costPerMissMs === null
            ? "no miss of this namespace was followed by a measured recompute in this window: its cost is unknown"
            : `${row.saved.hitsPerSecond.toFixed(2)} hits/s that each saved a recompute of ${formatMs(row.saved.costPerMissMs)}`
        }
      >
        {formatSaved(row.saved)}
      </td>
      <td className="px-2 py-1">
        <Sparkline
          label={`hit ratio of ${row.name}`}
          points={points}
          from={answer.sparkFrom}
          to={answer.sparkFrom + answer.windowSeconds * 1000}
        />
      </td>
      <td className="px-2 py-1">
        {row.flags.map((f) => (
          <span
            key={f}
            className={`mr-1 inline-block rounded px-1.5 py-0.5 text-xs font-medium ${f === "mostly-misses" ? "bg-red-100 text-red-800" : "bg-amber-100 text-amber-800"}`}
          >
            {FLAG_LABEL[f]}
          </span>
        ))}
      </td>
      <td className="whitespace-nowrap px-2 py-1 text-xs">
        {links.keys ? (
          <Link href={links.keys} className="text-sky-700 hover:underline">
            keys
          </Link>
        ) : (
          <span className="text-slate-400" title={links.why}>
            keys
          </span>
        )}
        {links.invalidate ? (
          <Link href={links.invalidate} className="ml-2 text-sky-700 hover:underline">
            invalidate
          </Link>
        ) : null}
      </td>
    </tr>
  );
}

function percentileTriple(l: LatencySummary | undefined): string {
  if (!l || l.count === 0) return "—";
  return `${formatMs(l.p50Ms)} · ${formatMs(l.p95Ms)} · ${formatMs(l.p99Ms)}`;
}

function latencyTitle(l: LatencySummary | undefined): string {
  return l ? `${l.count} calls timed in this window` : "no timings in this window";
}

function SortHeader(props: { label: string; title: string; active: boolean; desc: boolean; numeric?: boolean; onClick: () => void }) {
  return (
    <th
      className={`px-2 py-1 ${props.numeric ? "text-right" : ""}`}
      aria-sort={props.active ? (props.desc ? "descending" : "ascending") : "none"}
    >
      <button
        type="button"
        onClick={props.onClick}
        title={props.title}
        className={`hover:underline ${props.active ? "font-semibold text-slate-900" : ""}`}
      >
        {props.label}
        {props.active ? (props.desc ? " ↓" : " ↑") : ""}
      </button>
    </th>
  );
}

function EmptyState({ answer }: { answer: NamespacesAnswer }) {
  return (
    <div className="space-y-3" data-testid="ns-empty">
      <Notice tone="info" title="No counters from Django yet">
        {answer.reason}
      </Notice>
      <div className="max-w-3xl space-y-2 rounded border border-slate-200 bg-white p-3 text-sm">
        <p>
          Hit ratios per view, template fragment, session and key namespace come from a small companion inside your Django processes: only
          they know which call hit. It counts in memory and flushes every 10 s in the background, into this cache&apos;s own store.
        </p>
        <ol className="list-decimal space-y-1 pl-5">
          <li>
            <code className="mono">pip install ./integrations/django</code> (from this repository) in your Django&apos;s environment;
          </li>
          <li>
            add <code className="mono">&quot;cachescope_django&quot;</code> to <code className="mono">INSTALLED_APPS</code>; restart.
          </li>
        </ol>
        <p className="text-slate-600">
          DummyCache and LocMemCache cannot hold counters: name another alias or a directory in the companion&apos;s{" "}
          <code className="mono">CACHESCOPE[&quot;SINKS&quot;]</code> and give the console the same dict as{" "}
          <code className="mono">CACHESCOPE_SINKS</code>.
        </p>
      </div>
      {answer.warnings?.map((w) => (
        <Notice key={w} tone="warn" title="CACHESCOPE_SINKS">
          {w}
        </Notice>
      ))}
    </div>
  );
}
