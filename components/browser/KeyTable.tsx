"use client";

import Link from "next/link";
import { formatBytes, formatTtl } from "@/lib/format";
import type { KeyView } from "../types";
import { KindBadge } from "../ui";
import { entryHref } from "./entry-href";
import { RowDelete } from "./RowDelete";

interface Props {
  alias: string;
  rows: KeyView[];
  /** Rows carry Django key names (else files named by a hash). */
  named: boolean;
  raw: boolean;
  /** Whoever may change nothing sees no delete buttons. */
  canDelete: boolean;
  selected: number;
  onSelect: (i: number) => void;
  onDeleted: () => void;
}

/** The listed rows: each links to its entry; the keyboard's selected row is highlighted. */
export function KeyTable({ alias, rows, named, raw, canDelete, selected, onSelect, onDeleted }: Props) {
  return (
    <table className="w-full table-fixed border-collapse rounded border border-slate-200 bg-white" data-testid="key-table">
      <thead className="bg-slate-100 text-left text-xs uppercase tracking-wide text-slate-600">
        <tr>
          <th className="px-2 py-1.5">{named ? "Key" : "File · preview"}</th>
          <th className="w-28 px-2 py-1.5">Kind</th>
          {named ? <th className="w-14 px-2 py-1.5">Ver.</th> : null}
          <th className="w-24 px-2 py-1.5">TTL</th>
          <th className="w-24 px-2 py-1.5 text-right">Size</th>
          <th className="w-16 px-2 py-1.5">Type</th>
          {canDelete ? <th className="w-16 px-2 py-1.5" aria-label="Actions" /> : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr
            key={`${r.server ?? ""}|${r.file ?? r.raw}`}
            className={`border-t border-slate-100 ${i === selected ? "bg-sky-50" : "hover:bg-slate-50"}`}
            onMouseEnter={() => onSelect(i)}
          >
            <td className="mono truncate px-2 py-1">
              <Link className="text-sky-800 hover:underline" href={entryHref(alias, r)} title={r.raw ?? r.file}>
                {r.file ? r.file : (r.key ?? r.raw)}
              </Link>
              {r.preview ? <div className="truncate text-xs text-slate-500">{r.preview}</div> : null}
              {r.key === null && r.raw !== null && !raw ? <span className="ml-2 text-xs text-slate-400">(not a Django key)</span> : null}
            </td>
            <td className="px-2 py-1">
              <KindBadge kind={r.kind} />
            </td>
            {named ? <td className="px-2 py-1 text-slate-600">{r.version ?? "—"}</td> : null}
            <td className={`px-2 py-1 ${r.expired ? "text-red-700" : ""}`}>{r.expired ? "expired" : formatTtl(r.ttl)}</td>
            <td className="px-2 py-1 text-right tabular-nums">{formatBytes(r.size)}</td>
            <td className="px-2 py-1 text-slate-600">{r.type ?? "—"}</td>
            {canDelete ? (
              <td className="px-2 py-1">
                <RowDelete alias={alias} row={r} onDeleted={onDeleted} />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
