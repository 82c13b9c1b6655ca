"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { entryQuery } from "./entry-href";
import { deleteEntry } from "../entry/delete-entry";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import type { KeyView } from "../types";

/** A key browser row's delete button: asks, naming the key, then DELETE /api/caches/{alias}/entry (audited there). */
export function RowDelete({ alias, row, onDeleted }: { alias: string; row: Pick<KeyView, "raw" | "file" | "key">; onDeleted: () => void }) {
  const [asking, setAsking] = useState(false);
  const name = row.file ? `${row.file}.djcache` : (row.raw ?? "");
  const del = useMutation({
    mutationFn: () => deleteEntry(alias, entryQuery(row)),
    onSuccess: () => {
      setAsking(false);
      onDeleted();
    },
  });
  return (
    <>
      <button
        type="button"
        className="rounded px-1 text-xs text-red-700 hover:bg-red-50"
        title={`Delete ${name}`}
        aria-label={`Delete ${name}`}
        onClick={() => setAsking(true)}
      >
        Delete
      </button>
      {asking ? (
        <ConfirmDialog
          title="Delete this entry?"
          confirmLabel="Delete"
          busy={del.isPending}
          error={del.isError ? del.error.message : undefined}
          onCancel={() => {
            setAsking(false);
            del.reset();
          }}
          onConfirm={() => del.mutate()}
        >
          <p>
            <code className="mono break-all rounded bg-slate-100 px-1">{name}</code>
          </p>
          {row.key !== null && row.key !== row.raw ? (
            <p className="mt-1 text-slate-600">
              Django key: <code className="mono break-all">{row.key}</code>
            </p>
          ) : null}
          <p className="mt-1">The next request that needs it recomputes it. The delete is recorded in the audit log.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
