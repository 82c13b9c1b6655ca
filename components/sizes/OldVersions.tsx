"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { VersionRow } from "@/lib/analysis/types";
import { formatBytes, formatCount } from "@/lib/format";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { JobList } from "../invalidate/JobList";
import { startInvalidate } from "../invalidate/api";
import { SortableTable } from "./SortableTable";

/**
 * Keys by version. Keys at a version other than the alias's VERSION are never read by Django again: they can be
 * purged here through the invalidation API (target {"oldVersions": true}), which lists and deletes exactly those.
 */
export function Versions(props: { alias: string; rows: VersionRow[]; version: number; canPurge: boolean; sampled: boolean }) {
  const { alias, rows, version } = props;
  const old = rows.filter((r) => r.version !== null && !r.current);
  const oldKeys = old.reduce((a, r) => a + r.keys, 0);
  const oldBytes = old.reduce((a, r) => a + r.bytes, 0);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState("");
  const [started, setStarted] = useState(false);
  const purge = useMutation({
    mutationFn: () => startInvalidate(alias, { target: { oldVersions: true }, allVersions: false }),
    onSuccess: () => {
      setConfirming(false);
      setStarted(true);
    },
  });
  return (
    <div className="space-y-2">
      <SortableTable<VersionRow>
        testId="version-table"
        rows={rows}
        rowKey={(r) => String(r.version)}
        columns={[
          {
            id: "version",
            label: "Version",
            sort: (r) => r.version ?? -Infinity,
            cell: (r) =>
              r.version === null ? (
                <span className="text-slate-500">not a Django key</span>
              ) : (
                <span>
                  {r.version}
                  {r.current ? (
                    <span className="ml-2 rounded bg-emerald-100 px-1 text-xs text-emerald-800">current</span>
                  ) : (
                    <span className="ml-2 rounded bg-amber-100 px-1 text-xs text-amber-800">old</span>
                  )}
                </span>
              ),
          },
          { id: "keys", label: "Keys", numeric: true, sort: (r) => r.keys, cell: (r) => formatCount(r.keys) },
          { id: "bytes", label: "Bytes", numeric: true, sort: (r) => r.bytes, cell: (r) => formatBytes(r.bytes) },
        ]}
      />
      {oldKeys > 0 ? (
        <div
          className="flex flex-wrap items-center gap-3 rounded border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="old-versions"
        >
          <span>
            {props.sampled ? "About " : ""}
            {formatCount(oldKeys)} keys ({formatBytes(oldBytes)}) are at versions other than VERSION {version}: Django never reads them
            again.
          </span>
          {props.canPurge ? (
            <button className="ml-auto rounded bg-red-600 px-3 py-1 text-white" onClick={() => setConfirming(true)}>
              Purge old versions…
            </button>
          ) : null}
        </div>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={`Purge old versions from “${alias}”`}
          confirmLabel="Purge"
          busy={purge.isPending}
          error={purge.isError ? purge.error.message : undefined}
          typeToConfirm={alias}
          typed={typed}
          onTyped={setTyped}
          onCancel={() => {
            setConfirming(false);
            purge.reset();
          }}
          onConfirm={() => purge.mutate()}
        >
          Every key of this cache whose version is not {version} is listed and deleted (a background job, recorded in the audit log). Keys
          at VERSION {version} stay.
        </ConfirmDialog>
      ) : null}
      {started ? <JobList alias={alias} canCancel /> : null}
    </div>
  );
}
