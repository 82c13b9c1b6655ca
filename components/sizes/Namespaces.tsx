"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import type { NamespaceNode } from "@/lib/django/namespaces";
import { formatBytes, formatCount } from "@/lib/format";
import { browseHref } from "./links";
import { SortableTable } from "./SortableTable";
import { Treemap, tilesOf, type TileItem } from "./Treemap";

function share(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : "—";
}

/** The namespace treemap and, below it, the same level as a sortable table; both follow the zoom. */
export function Namespaces({ alias, root, namedKeys }: { alias: string; root: NamespaceNode; namedKeys: boolean }) {
  const [path, setPath] = useState<string[]>([]);
  // The zoom path names prefixes; a newer result without them falls back to the deepest level still there.
  const trail = useMemo(() => {
    const nodes: NamespaceNode[] = [root];
    for (const prefix of path) {
      const next = nodes[nodes.length - 1].children.find((c) => c.prefix === prefix);
      if (!next) break;
      nodes.push(next);
    }
    return nodes;
  }, [root, path]);
  if (!namedKeys) {
    return (
      <p className="text-slate-500">
        This cache stores no key names (FileBasedCache names files by md5), so there are no namespaces to show.
      </p>
    );
  }
  const current = trail[trail.length - 1];
  return (
    <div className="space-y-3">
      <Treemap alias={alias} trail={trail} onZoom={setPath} />
      <SortableTable<TileItem>
        testId="namespace-table"
        rows={tilesOf(current)}
        rowKey={(r) => r.label}
        initial={{ id: "bytes", desc: true }}
        columns={[
          {
            id: "name",
            label: "Namespace",
            sort: (r) => r.label,
            cell: (r) =>
              r.node && (r.node.children.length > 0 || r.node.otherKeys) ? (
                <button
                  className="mono text-left text-sky-800 hover:underline"
                  onClick={() => setPath([...path.slice(0, trail.length - 1), r.node!.prefix])}
                >
                  {r.node.prefix}
                </button>
              ) : (
                <span className="mono">{r.node ? r.node.prefix : r.label}</span>
              ),
          },
          { id: "keys", label: "Keys", numeric: true, sort: (r) => r.keys, cell: (r) => formatCount(r.keys) },
          { id: "bytes", label: "Bytes", numeric: true, sort: (r) => r.bytes, cell: (r) => formatBytes(r.bytes) },
          { id: "share", label: "Share", numeric: true, sort: (r) => r.bytes, cell: (r) => share(r.bytes, current.bytes) },
          {
            id: "avg",
            label: "Avg size",
            numeric: true,
            sort: (r) => (r.keys ? r.bytes / r.keys : 0),
            cell: (r) => formatBytes(r.keys ? Math.round(r.bytes / r.keys) : 0),
          },
          {
            id: "open",
            label: "",
            cell: (r) =>
              r.node ? (
                <Link
                  href={browseHref(alias, r.node.prefix)}
                  className="text-sky-800 hover:underline"
                  data-testid="namespace-open"
                  data-prefix={r.node.prefix}
                >
                  open in browser
                </Link>
              ) : null,
          },
        ]}
      />
    </div>
  );
}
