"use client";

import { useState, type ReactNode } from "react";

export interface Column<T> {
  id: string;
  label: string;
  /** Sort key; columns without one do not sort. */
  sort?: (row: T) => number | string;
  numeric?: boolean;
  cell: (row: T) => ReactNode;
}

/** A table whose headers sort it (click again to reverse). Rows keep their given order until a header is clicked. */
export function SortableTable<T>(props: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, i: number) => string;
  testId?: string;
  initial?: { id: string; desc: boolean };
}) {
  const [order, setOrder] = useState<{ id: string; desc: boolean } | null>(props.initial ?? null);
  const column = props.columns.find((c) => c.id === order?.id);
  const rows =
    column?.sort && order
      ? [...props.rows].sort((a, b) => {
          const x = column.sort!(a);
          const y = column.sort!(b);
          const cmp = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return order.desc ? -cmp : cmp;
        })
      : props.rows;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid={props.testId}>
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs text-slate-600">
            {props.columns.map((c) => (
              <th
                key={c.id}
                className={`px-2 py-1 font-medium ${c.numeric ? "text-right" : ""}`}
                aria-sort={order?.id === c.id ? (order.desc ? "descending" : "ascending") : undefined}
              >
                {c.sort ? (
                  <button
                    className="hover:underline"
                    onClick={() => setOrder({ id: c.id, desc: order?.id === c.id ? !order.desc : Boolean(c.numeric) })}
                  >
                    {c.label}
                    {order?.id === c.id ? (order.desc ? " ↓" : " ↑") : ""}
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={props.rowKey(row, i)} className="border-b border-slate-100">
              {props.columns.map((c) => (
                <td key={c.id} className={`px-2 py-1 align-top ${c.numeric ? "text-right tabular-nums" : ""}`}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
