"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { formatCount } from "@/lib/format";
import { queryKeys } from "../query-keys";
import { Notice, Spinner } from "../ui";
import type { JobView } from "./types";
import { cancelJob, useJobs } from "./useJobs";

function describeTarget(target: Record<string, unknown>): string {
  const { allVersions, ...rest } = target;
  const text = JSON.stringify(rest);
  return allVersions ? `${text} · all versions` : text;
}

/** Share of the walk done: scanned of total where the backend knows its key count. */
function percent(job: JobView): number | null {
  if (!job.total) return job.state === "running" ? null : 100;
  return Math.min(100, Math.round((job.scanned / job.total) * 100));
}

function JobRow({ job, canCancel }: { job: JobView; canCancel: boolean }) {
  const client = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => cancelJob(job.id),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.jobs(job.alias) }),
  });
  const pct = percent(job);
  const tone = { running: "text-sky-800", done: "text-emerald-700", failed: "text-red-700", cancelled: "text-amber-700" }[job.state];
  return (
    <li className="space-y-1 rounded border border-slate-200 bg-white p-2" data-testid="job" data-state={job.state} data-kind={job.kind}>
      <div className="flex flex-wrap items-baseline gap-2">
        <span className="font-medium">{job.kind}</span>
        <span className="mono break-all text-xs text-slate-600">{describeTarget(job.target)}</span>
        <span className={`ml-auto font-medium ${tone}`} data-testid="job-state">
          {job.state}
        </span>
        {job.state === "running" && canCancel ? (
          <button
            className="rounded border border-slate-300 px-2 py-0.5 text-xs"
            onClick={() => cancel.mutate()}
            disabled={cancel.isPending}
          >
            {cancel.isPending ? "Cancelling…" : "Cancel"}
          </button>
        ) : null}
      </div>
      <div
        className="h-2 w-full overflow-hidden rounded bg-slate-100"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
      >
        <div
          className={`h-full ${job.state === "failed" ? "bg-red-500" : "bg-sky-500"} ${pct === null ? "w-1/3 animate-pulse" : ""}`}
          style={pct === null ? undefined : { width: `${pct}%` }}
        />
      </div>
      <div className="flex flex-wrap gap-4 text-xs text-slate-600 tabular-nums">
        <span>
          scanned {formatCount(job.scanned)}
          {job.total ? ` of ${formatCount(job.total)} keys (${pct}%)` : ""}
        </span>
        <span>matched {formatCount(job.matched)}</span>
        <span data-testid="job-deleted">deleted {formatCount(job.deleted)}</span>
        <span>started {job.startedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC")}</span>
        {job.by ? (
          <span data-testid="job-by">
            by {job.by.actor}
            {job.by.person ? ` (#${job.by.person.userId})` : ""}, {job.by.role}
          </span>
        ) : null}
      </div>
      {job.errors.length > 0 ? <p className="text-xs text-red-700">{job.errors.join("; ")}</p> : null}
      {job.result?.notes?.map((n) => (
        <p key={n} className="text-xs text-slate-600">
          {n}
        </p>
      ))}
      {cancel.isError ? <p className="text-xs text-red-700">{cancel.error.message}</p> : null}
    </li>
  );
}

/** This cache's running and recent jobs, polled: a job started from another tab (or before a reload) shows too. */
export function JobList({ alias, canCancel }: { alias: string; canCancel: boolean }) {
  const q = useJobs(alias);
  if (q.isPending) return <Spinner label="Loading jobs…" />;
  if (q.isError)
    return (
      <Notice tone="error" title="Cannot list jobs">
        {q.error.message}
      </Notice>
    );
  if (q.data.jobs.length === 0) return <p className="text-slate-500">No jobs on this cache since the console started.</p>;
  return (
    <ul className="space-y-2" data-testid="job-list">
      {q.data.jobs.map((job) => (
        <JobRow key={job.id} job={job} canCancel={canCancel} />
      ))}
    </ul>
  );
}
