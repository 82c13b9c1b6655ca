"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { formatCount } from "@/lib/format";
import { api } from "../api-client";
import { useCache } from "../caches/useCache";
import { cancelJob } from "../invalidate/useJobs";
import { queryKeys } from "../query-keys";
import { Notice, Spinner } from "../ui";
import { AnalysisView } from "./AnalysisView";
import type { AnalysisJob } from "./types";
import { useAnalysisJob, useAnalysisState } from "./useAnalysis";

const DEFAULT_SAMPLE = 10_000;

function percent(job: AnalysisJob): number | null {
  if (!job.total) return null;
  return Math.min(100, Math.round((job.scanned / job.total) * 100));
}

function Progress({ job, onCancel, cancelling }: { job: AnalysisJob; onCancel: () => void; cancelling: boolean }) {
  const pct = percent(job);
  const sampled = typeof job.target.sample === "number";
  return (
    <div className="space-y-1 rounded border border-slate-200 bg-white p-3" data-testid="analysis-progress">
      <div className="flex items-baseline gap-2 text-sm">
        <span className="font-medium">
          {sampled ? `Sampling about ${formatCount(job.target.sample as number)} keys…` : "Analysing every key…"}
        </span>
        <span className="text-slate-600 tabular-nums">
          {formatCount(job.matched)} keys read
          {job.total && !sampled ? ` · walked ${formatCount(Math.min(job.scanned, job.total))} of ${formatCount(job.total)} (${pct}%)` : ""}
        </span>
        <button className="ml-auto rounded border border-slate-300 px-2 py-0.5 text-xs" onClick={onCancel} disabled={cancelling}>
          {cancelling ? "Cancelling…" : "Cancel"}
        </button>
      </div>
      <div
        className="h-2 w-full overflow-hidden rounded bg-slate-100"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={sampled ? undefined : (pct ?? undefined)}
      >
        <div
          className={`h-full bg-sky-500 ${pct === null || sampled ? "w-1/3 animate-pulse" : ""}`}
          style={pct === null || sampled ? undefined : { width: `${pct}%` }}
        />
      </div>
    </div>
  );
}

/** The Sizes page: start an analysis (every key, or a sample), follow it, and show the last finished one. */
export function SizesPanel({ alias }: { alias: string }) {
  const client = useQueryClient();
  const [mode, setMode] = useState<"full" | "sample">("full");
  const [sample, setSample] = useState(String(DEFAULT_SAMPLE));
  const [activeId, setActiveId] = useState<string | null>(null);

  const info = useCache(alias);
  const state = useAnalysisState(alias);
  // The run started here (or found running on load), followed to its end, whatever that is.
  const followedId = activeId ?? state.data?.running?.id ?? null;
  const active = useAnalysisJob(followedId);
  const activeJob = active.data?.id === followedId ? active.data : undefined;
  const ended = activeJob && activeJob.state !== "running";
  useEffect(() => {
    if (ended) void client.invalidateQueries({ queryKey: queryKeys.analysis(alias) });
  }, [ended, client, alias]);

  const start = useMutation({
    mutationFn: (body: Record<string, number>) =>
      api<{ job: AnalysisJob }>(`/api/caches/${encodeURIComponent(alias)}/analysis`, { method: "POST", body: JSON.stringify(body) }),
    onSuccess: ({ job }) => {
      client.setQueryData(queryKeys.job(job.id), job);
      setActiveId(job.id);
    },
  });
  const cancel = useMutation({
    mutationFn: (id: string) => cancelJob<AnalysisJob>(id),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.job(followedId) }),
  });

  if (info.isPending) return <Spinner label="Loading…" />;
  if (info.isError)
    return (
      <Notice tone="error" title="Cannot load this cache">
        {info.error.message}
      </Notice>
    );
  const cache = info.data;
  if (!cache.capabilities.listKeys) {
    return (
      <Notice tone="info" title="Nothing to analyse">
        {cache.note ?? `${cache.backend} cannot list its entries.`}
      </Notice>
    );
  }
  const running = activeJob?.state === "running" ? activeJob : (state.data?.running ?? null);
  const sampleN = Number(sample);
  const sampleValid = Number.isInteger(sampleN) && sampleN >= 100 && sampleN <= 200_000;
  const latest = state.data?.job ?? null;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-3 text-sm">
        <fieldset className="flex gap-3" disabled={running !== null}>
          <legend className="sr-only">What to analyse</legend>
          <label className="flex items-center gap-1">
            <input type="radio" name="mode" checked={mode === "full"} onChange={() => setMode("full")} /> Every key (exact)
          </label>
          <label className="flex items-center gap-1">
            <input type="radio" name="mode" checked={mode === "sample"} onChange={() => setMode("sample")} /> A random sample of
          </label>
          <input
            aria-label="Sample size"
            className="w-24 rounded border border-slate-300 px-2 py-0.5 tabular-nums disabled:bg-slate-100"
            value={sample}
            disabled={mode !== "sample"}
            onChange={(e) => setSample(e.target.value)}
          />
          <span className="self-center text-slate-500">keys (an estimate, in seconds on any size)</span>
        </fieldset>
        <button
          className="rounded bg-sky-700 px-3 py-1 text-white disabled:opacity-50"
          disabled={running !== null || start.isPending || (mode === "sample" && !sampleValid)}
          onClick={() => start.mutate(mode === "sample" ? { sample: sampleN } : {})}
        >
          {start.isPending ? "Starting…" : "Analyse"}
        </button>
        {mode === "sample" && !sampleValid ? <span className="text-red-700">between 100 and 200,000</span> : null}
      </div>
      {start.isError ? (
        <Notice tone="error" title="Could not start the analysis">
          {start.error.message}
        </Notice>
      ) : null}
      {running ? <Progress job={running} onCancel={() => cancel.mutate(running.id)} cancelling={cancel.isPending} /> : null}
      {activeJob?.state === "failed" ? (
        <Notice tone="error" title="The analysis failed">
          {activeJob.errors.join("; ")}
        </Notice>
      ) : null}
      {activeJob?.state === "cancelled" ? (
        <Notice tone="info" title="The analysis was cancelled">
          {latest ? "Showing the last finished one." : null}
        </Notice>
      ) : null}
      {state.isError ? (
        <Notice tone="error" title="Cannot load the last analysis">
          {state.error.message}
        </Notice>
      ) : null}
      {latest?.result ? (
        <AnalysisView
          alias={alias}
          result={latest.result}
          finishedAt={latest.finishedAt}
          canPurge={!cache.readOnly && cache.capabilities.invalidatePrefix}
        />
      ) : state.isPending ? (
        <Spinner label="Loading…" />
      ) : !running ? (
        <p className="text-slate-500">No analysis of this cache since the console started. Start one above.</p>
      ) : null}
    </div>
  );
}
