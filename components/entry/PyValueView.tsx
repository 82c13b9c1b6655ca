"use client";

import { useState, type ReactNode } from "react";
import type { PyValue } from "../types";

/** Python-like repr of a leaf, shown as text (React escapes it: cached HTML never becomes markup). */
function leaf(v: PyValue): ReactNode | null {
  switch (v.type) {
    case "none":
      return <span className="text-slate-500">None</span>;
    case "bool":
      return <span className="text-purple-700">{v.value ? "True" : "False"}</span>;
    case "int":
      return <span className="text-blue-700">{v.value}</span>;
    case "float":
      return <span className="text-blue-700">{typeof v.value === "number" ? String(v.value) : `float('${v.value}')`}</span>;
    case "str":
      return <span className="whitespace-pre-wrap break-all text-emerald-800">&apos;{v.value}&apos;</span>;
    case "bytes":
    case "bytearray": {
      const text = typeof atob === "function" ? atob(v.base64) : "";
      const printable = /^[\x20-\x7e\t\r\n]*$/.test(text);
      return (
        <span className="break-all text-amber-800">
          {v.type === "bytes" ? "b" : "bytearray(b"}&apos;
          {printable ? text : `<${v.length} bytes, base64 ${v.base64.slice(0, 80)}${v.base64.length > 80 ? "…" : ""}>`}&apos;
          {v.type === "bytearray" ? ")" : ""}
          <span className="ml-1 text-xs text-slate-400">{v.length} B</span>
        </span>
      );
    }
    case "datetime":
    case "date":
    case "time":
      return (
        <span className="text-teal-700">
          {v.type}({v.value})
        </span>
      );
    case "timedelta":
      return <span className="text-teal-700">timedelta(seconds={v.value})</span>;
    case "decimal":
      return <span className="text-blue-700">Decimal(&apos;{v.value}&apos;)</span>;
    case "uuid":
      return <span className="text-teal-700">UUID(&apos;{v.value}&apos;)</span>;
    case "truncated":
      return <span className="rounded bg-red-100 px-1 text-red-800">… truncated: {v.omitted} more omitted</span>;
    case "ref":
      // The pickle holds the same object again: it is shown once, where it is labelled #id.
      return (
        <a href={`#pyref-${v.id}`} className="rounded bg-indigo-50 px-1 text-indigo-800 hover:underline" data-testid="py-ref">
          ↺ same object as #{v.id}
        </a>
      );
    default:
      return null;
  }
}

function Collapsible({ label, count, children, depth }: { label: ReactNode; count: number; children: ReactNode; depth: number }) {
  const [open, setOpen] = useState(depth < 3);
  return (
    <span>
      <button onClick={() => setOpen(!open)} className="text-slate-500 hover:text-slate-900" aria-expanded={open}>
        {open ? "▾" : "▸"} {label}
        <span className="ml-1 text-xs text-slate-400">({count})</span>
      </button>
      {open ? <div className="ml-4 border-l border-slate-200 pl-2">{children}</div> : null}
    </span>
  );
}

/** Items shown at first and added per click: a 200,000-item value must not become 200,000 rows at once. */
const PAGE = 200;

function Paged<T>({ items, children }: { items: T[]; children: (item: T, index: number) => ReactNode }) {
  const [shown, setShown] = useState(PAGE);
  return (
    <>
      {items.slice(0, shown).map((item, i) => children(item, i))}
      {items.length > shown ? (
        <button className="text-xs text-sky-700 hover:underline" onClick={() => setShown(shown + PAGE * 5)}>
          show {Math.min(PAGE * 5, items.length - shown)} more of {items.length - shown} not shown
        </button>
      ) : null}
    </>
  );
}

/** A value the pickle references more than once carries an id: labelled #id, the target of its "same object" links. */
export function PyValueView({ value, depth = 0 }: { value: PyValue; depth?: number }) {
  const id = "id" in value && value.type !== "ref" ? value.id : undefined;
  if (id === undefined) return <Plain value={value} depth={depth} />;
  return (
    <span id={`pyref-${id}`} className="target:bg-yellow-100">
      <span className="mr-1 rounded bg-indigo-100 px-1 text-xs text-indigo-800" title="referenced again elsewhere in this value">
        #{id}
      </span>
      <Plain value={value} depth={depth} />
    </span>
  );
}

function Plain({ value, depth }: { value: PyValue; depth: number }) {
  const l = leaf(value);
  if (l !== null) return <>{l}</>;
  switch (value.type) {
    case "list":
    case "tuple":
    case "set":
    case "frozenset":
      if (value.items.length === 0) return <span>{{ list: "[]", tuple: "()", set: "set()", frozenset: "frozenset()" }[value.type]}</span>;
      return (
        <Collapsible label={value.type} count={value.items.length} depth={depth}>
          <Paged items={value.items}>
            {(item, i) => (
              <div key={i}>
                <span className="mr-1 text-xs text-slate-400">{value.type === "list" || value.type === "tuple" ? i : "·"}</span>
                <PyValueView value={item} depth={depth + 1} />
              </div>
            )}
          </Paged>
        </Collapsible>
      );
    case "dict":
      if (value.items.length === 0) return <span>{"{}"}</span>;
      return (
        <Collapsible label="dict" count={value.items.length} depth={depth}>
          <Paged items={value.items}>
            {([k, v], i) => (
              <div key={i}>
                <PyValueView value={k} depth={depth + 1} />
                <span className="mx-1 text-slate-400">:</span>
                <PyValueView value={v} depth={depth + 1} />
              </div>
            )}
          </Paged>
        </Collapsible>
      );
    case "object":
      return (
        <Collapsible label={<span className="text-fuchsia-800">{value.class}</span>} count={1 + (value.items?.length ?? 0)} depth={depth}>
          <div>
            <PyValueView value={value.value} depth={depth + 1} />
          </div>
          {value.items?.length ? (
            <div>
              <span className="text-xs text-slate-500">items</span>{" "}
              <Paged items={value.items as (PyValue | [PyValue, PyValue])[]}>
                {(it, i) => (
                  <div key={i}>
                    {Array.isArray(it) ? (
                      <>
                        <PyValueView value={it[0]} depth={depth + 1} /> <span className="text-slate-400">:</span>{" "}
                        <PyValueView value={it[1]} depth={depth + 1} />
                      </>
                    ) : (
                      <PyValueView value={it} depth={depth + 1} />
                    )}
                  </div>
                )}
              </Paged>
            </div>
          ) : null}
        </Collapsible>
      );
    default:
      return null;
  }
}
