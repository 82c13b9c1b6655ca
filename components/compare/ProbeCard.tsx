"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatBytes, formatCount } from "@/lib/format";
import { cancelJob } from "../invalidate/useJobs";
import { queryKeys } from "../query-keys";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { Notice } from "../ui";
import { formatMs } from "../namespaces/timing-format";
import { formatRate, ratio } from "./format";
import type { CompareCache, OpFigures, ProbeJob, ProbeResult, ProbeRun } from "./types";
import { startProbe } from "./useCompare";

const OPS = ["set", "get", "delete"] as const;

function when(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

function runLabel(job: ProbeJob): string {
  return `${when(job.startedAt)} · ${job.state}`;
}

function Progress({ job, onCancel, cancelling }: { job: ProbeJob; onCancel: () => void; cancelling: boolean }) {
  const pct = job.total ? Math.min(100, Math.round((job.scanned / job.total) * 100)) : null;
  return (
    <div className="space-y-1" data-testid="probe-progress">
      <div className="flex items-baseline gap-2 text-xs">
        <span className="font-medium">Probing…</span>
        <span className="tabular-nums text-slate-600">
          {formatCount(job.scanned)}
          {job.total ? ` of ${formatCount(job.total)} operations (${pct}%)` : " operations"}
        </span>
        <button className="ml-auto rounded border border-slate-300 px-2 py-0.5" onClick={onCancel} disabled={cancelling}>
          {cancelling ? "Cancelling…" : "Cancel"}
        </button>
      </div>
      <div
        className="h-2 w-full overflow-hidden rounded bg-slate-100"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
      >
        <div
          className={`h-full bg-sky-500 ${pct === null ? "w-1/3 animate-pulse" : ""}`}
          style={pct === null ? undefined : { width: `${pct}%` }}
        />
      </div>
    </div>
  );
}

function Cell({ a, b }: { a: OpFigures; b?: OpFigures }) {
  const change = b ? ratio(a.p50Ms, b.p50Ms) : null;
  return (
    <td className="px-2 py-1 text-right tabular-nums" data-testid="probe-figure">
      <div>
        {formatMs(a.p50Ms)} <span className="text-slate-400">/</span> {formatMs(a.p99Ms)}
      </div>
      <div className="text-xs text-slate-500">{formatRate(a.opsPerSec)}</div>
      {b ? (
        <div className="text-xs text-violet-700" title="the compared run: p50 / p99, ops/s, and its p50 against this run's">
          {formatMs(b.p50Ms)} / {formatMs(b.p99Ms)} · {formatRate(b.opsPerSec)}
          {change ? ` · ${change}` : ""}
        </div>
      ) : null}
    </td>
  );
}

function matching(run: ProbeRun, other: ProbeResult | undefined): ProbeRun | undefined {
  return other?.runs.find((r) => r.clients === run.clients && r.size.label === run.size.label);
}

function RunTable({ result, other }: { result: ProbeResult; other?: ProbeResult }) {
  return (
    <table className="w-full text-sm" data-testid="probe-table">
      <thead className="text-xs text-slate-500">
        <tr>
          <th className="px-2 py-1 text-left font-normal">Value size</th>
          <th className="px-2 py-1 text-right font-normal">Clients</th>
          {OPS.map((op) => (
            <th key={op} className="px-2 py-1 text-right font-normal">
              {op} p50 / p99 · ops/s
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {result.runs.map((run) => {
          const twin = matching(run, other);
          return (
            <tr key={`${run.size.label}-${run.clients}`} className="border-t border-slate-100 align-top">
              <td className="px-2 py-1">
                {run.size.label} <span className="tabular-nums text-slate-600">{formatBytes(run.size.bytes)}</span>
                {run.misses > 0 ? <div className="text-xs text-amber-700">{run.misses} reads missed right after their write</div> : null}
              </td>
              <td className="px-2 py-1 text-right tabular-nums">{run.clients}</td>
              {OPS.map((op) => (
                <Cell key={op} a={run[op]} b={twin?.[op]} />
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** One cache's probes: run one (admin, confirmed), follow it, read its figures, set two runs side by side. */
export function ProbeCard({ cache, canChange, windowSeconds }: { cache: CompareCache; canChange: boolean; windowSeconds: number }) {
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [chosen, setChosen] = useState<string | null>(null);
  const [against, setAgainst] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.compare(windowSeconds) });
  const start = useMutation({
    mutationFn: () => startProbe(cache.alias),
    onSuccess: () => {
      setConfirming(false);
      setChosen(null);
      void refresh();
    },
  });
  const cancel = useMutation({ mutationFn: (id: string) => cancelJob<ProbeJob>(id), onSettled: () => void refresh() });

  const runs = cache.runs as ProbeJob[];
  const done = runs.filter((r) => r.state === "done" && r.result);
  const shown = runs.find((r) => r.id === chosen) ?? runs[0];
  const otherId = against ?? done.find((r) => r.id !== shown?.id)?.id ?? null;
  const other = otherId === "" ? undefined : done.find((r) => r.id === otherId && r.id !== shown?.id);
  const running = cache.running as ProbeJob | null;

  return (
    <section className="space-y-2 rounded border border-slate-200 bg-white p-3" data-testid={`probe-card-${cache.alias}`}>
      <div className="flex flex-wrap items-baseline gap-2">
        <h3 className="font-semibold">{cache.alias}</h3>
        <span className="mono text-xs text-slate-500">{cache.backend}</span>
        {cache.probeRefused === null && canChange ? (
          <button
            className="ml-auto rounded bg-sky-700 px-3 py-1 text-sm text-white disabled:opacity-50"
            disabled={running !== null || start.isPending}
            onClick={() => setConfirming(true)}
            data-testid={`run-probe-${cache.alias}`}
          >
            Run probe
          </button>
        ) : null}
      </div>
      {cache.probeRefused !== null ? (
        <p className="text-slate-600" data-testid="probe-refused">
          {cache.probeRefused}
        </p>
      ) : null}
      {start.isError ? (
        <Notice tone="error" title="Could not start the probe">
          {start.error.message}
        </Notice>
      ) : null}
      {running ? <Progress job={running} onCancel={() => cancel.mutate(running.id)} cancelling={cancel.isPending} /> : null}
      {cache.probeRefused === null && runs.length === 0 && !running ? (
        <p className="text-slate-500">
          No probe of this cache since the console started.{" "}
          {canChange ? "Run one to measure it with values of its own sizes." : "An admin can run one (not in read-only mode)."}
        </p>
      ) : null}
      {shown ? (
        <div className="space-y-2">
          <div className="flex flex-wrap items-center gap-2 text-xs">
            <label className="flex items-center gap-1">
              Run
              <select
                className="rounded border border-slate-300 px-1 py-0.5"
                value={shown.id}
                onChange={(e) => setChosen(e.target.value)}
                aria-label={`Probe run of ${cache.alias}`}
              >
                {runs.map((r) => (
                  <option key={r.id} value={r.id}>
                    {runLabel(r)}
                  </option>
                ))}
              </select>
            </label>
            {done.length > 1 ? (
              <label className="flex items-center gap-1">
                compared with
                <select
                  className="rounded border border-slate-300 px-1 py-0.5"
                  value={other?.id ?? ""}
                  onChange={(e) => setAgainst(e.target.value)}
                  aria-label={`Run to compare with, ${cache.alias}`}
                >
                  <option value="">nothing</option>
                  {done
                    .filter((r) => r.id !== shown.id)
                    .map((r) => (
                      <option key={r.id} value={r.id}>
                        {runLabel(r)}
                      </option>
                    ))}
                </select>
              </label>
            ) : null}
          </div>
          {shown.state === "done" && shown.result ? (
            <>
              <RunTable result={shown.result} other={other?.result} />
              <p className="text-xs text-slate-500" data-testid="probe-sizes">
                Sizes: {shown.result.sizes.sizes.map((s) => `${s.label} ${formatBytes(s.bytes)}`).join(", ")} ({shown.result.sizes.note}) ·{" "}
                {shown.result.keysPerRun} keys per size and client count · TTL {shown.result.ttlSeconds} s ·{" "}
                <span data-testid="probe-cleanup">
                  {shown.result.cleanup.leftBehind === 0
                    ? "nothing left behind"
                    : shown.result.cleanup.leftBehind === null
                      ? `could not check what is left: ${shown.result.cleanup.error ?? ""}`
                      : `${shown.result.cleanup.leftBehind} probe keys left behind (they expire within ${shown.result.ttlSeconds} s)`}
                </span>
                {other ? <span className="text-violet-700"> · violet: the run of {when(other.startedAt)}</span> : null}
              </p>
            </>
          ) : shown.state !== "running" ? (
            <Notice
              tone={shown.state === "failed" ? "error" : "info"}
              title={`This probe ${shown.state === "failed" ? "failed" : "was cancelled"}`}
            >
              {shown.errors.join("; ") || "It stopped and cleaned up."}
            </Notice>
          ) : null}
        </div>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={`Probe "${cache.alias}"?`}
          confirmLabel="Run probe"
          busy={start.isPending}
          error={start.isError ? start.error.message : undefined}
          onCancel={() => setConfirming(false)}
          onConfirm={() => start.mutate()}
        >
          <p>
            The probe writes, reads back and deletes values of this cache&apos;s own median and p95 entry sizes, at 1 and then 8 clients,
            under the reserved keys <code className="mono">cachescope-probe:&lt;job&gt;:&lt;n&gt;</code> with a 60 s TTL. It adds load for a
            few seconds, deletes everything it wrote and checks nothing is left. It is recorded in the audit log.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
