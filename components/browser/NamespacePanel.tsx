"use client";

import { useMemo, useState } from "react";
import { NamespaceTree, type NamespaceNode } from "@/lib/django/namespaces";
import { formatBytes } from "@/lib/format";
import type { KeyView } from "../types";

function Node({ node, base, onPick, depth }: { node: NamespaceNode; base: string; onPick: (p: string) => void; depth: number }) {
  const [open, setOpen] = useState(depth < 1);
  return (
    <li>
      <div className="flex items-center gap-1">
        {node.children.length ? (
          <button
            aria-label={open ? `collapse ${node.name}` : `expand ${node.name}`}
            onClick={() => setOpen(!open)}
            className="w-4 text-slate-500"
          >
            {open ? "▾" : "▸"}
          </button>
        ) : (
          <span className="w-4" />
        )}
        <button
          className="mono truncate text-left text-sky-700 hover:underline"
          title={`Filter on ${base + node.prefix}`}
          onClick={() => onPick(base + node.prefix)}
        >
          {node.name || "(empty)"}
        </button>
        <span className="ml-auto shrink-0 text-xs text-slate-500">
          {node.keys}
          {node.bytes ? ` · ${formatBytes(node.bytes)}` : ""}
        </span>
      </div>
      {open && node.children.length ? (
        <ul className="ml-3 border-l border-slate-200 pl-1">
          {node.children.map((c) => (
            <Node key={c.prefix} node={c} base={base} onPick={onPick} depth={depth + 1} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** The namespaces of the keys loaded so far, grouped by ":" and "." the way Django keys are built. */
export function NamespacePanel({ keys, prefix, onPick }: { keys: KeyView[]; prefix: string; onPick: (p: string) => void }) {
  const tree = useMemo(() => {
    const t = new NamespaceTree({ maxDepth: 6, maxChildren: 40 });
    for (const k of keys) {
      const name = k.key ?? k.raw;
      if (name !== null && name.startsWith(prefix)) t.add(name.slice(prefix.length), k.size ?? 0);
    }
    return t.result();
  }, [keys, prefix]);
  return (
    <div className="rounded border border-slate-200 bg-white p-2">
      <div className="mb-1 flex items-baseline justify-between">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-600">Namespaces</h2>
        <span className="text-xs text-slate-500">of {keys.length} loaded</span>
      </div>
      {prefix ? (
        <button className="mb-1 text-xs text-sky-700 hover:underline" onClick={() => onPick("")}>
          ← all keys
        </button>
      ) : null}
      {tree.children.length ? (
        <ul className="space-y-0.5">
          {tree.children.map((c) => (
            <Node key={c.prefix} node={c} base={prefix} onPick={onPick} depth={0} />
          ))}
        </ul>
      ) : (
        <p className="text-xs text-slate-500">No “:” or “.” namespaces among the loaded keys.</p>
      )}
      {tree.otherKeys ? <p className="mt-1 text-xs text-slate-500">+{tree.otherKeys} keys in other namespaces</p> : null}
    </div>
  );
}
