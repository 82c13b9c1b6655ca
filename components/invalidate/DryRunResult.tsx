"use client";

import { formatBytes, formatCount } from "@/lib/format";
import type { DryRunResult as Answer } from "./types";

/** What the dry run matched, its notes and a sample of keys, and the button that asks to delete them. */
export function DryRunResult({ answer, onDelete }: { answer: Answer; onDelete: () => void }) {
  return (
    <div className="space-y-2 rounded border border-slate-200 bg-white p-3" data-testid="dry-run">
      <p>
        <strong data-testid="dry-matched">{formatCount(answer.matched)}</strong> {answer.matched === 1 ? "key matches" : "keys match"},{" "}
        {formatBytes(answer.bytes)}
        {answer.bytesUnknown > 0 ? ` (size unknown for ${formatCount(answer.bytesUnknown)})` : ""}.
      </p>
      {answer.notes.map((n) => (
        <p key={n} className="text-xs text-amber-800">
          {n}
        </p>
      ))}
      {answer.sample.length > 0 ? (
        <ul className="mono max-h-48 overflow-auto text-xs text-slate-700" aria-label="Sample of matching keys">
          {answer.sample.map((k) => (
            <li key={k} className="truncate" title={k}>
              {k}
            </li>
          ))}
        </ul>
      ) : null}
      <button className="rounded bg-red-600 px-3 py-1 text-white disabled:opacity-50" disabled={answer.matched === 0} onClick={onDelete}>
        Delete {formatCount(answer.matched)}…
      </button>
    </div>
  );
}
