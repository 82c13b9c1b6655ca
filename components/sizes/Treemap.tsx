"use client";

import Link from "next/link";
import type { NamespaceNode } from "@/lib/django/namespaces";
import { formatBytes, formatCount } from "@/lib/format";
import { squarify } from "./treemap-layout";
import { browseHref } from "./links";

const W = 1000;
const H = 420;
const PALETTE = ["#0ea5e9", "#6366f1", "#f59e0b", "#10b981", "#ec4899", "#8b5cf6", "#14b8a6", "#f97316", "#64748b", "#84cc16"];

export interface TileItem {
  label: string;
  keys: number;
  bytes: number;
  /** Set for a namespace that can be zoomed into. */
  node?: NamespaceNode;
}

/** The tiles of one level: its namespaces, the "other" bucket, and the keys that end at this level. */
export function tilesOf(node: NamespaceNode): TileItem[] {
  const items: TileItem[] = node.children.map((c) => ({ label: c.name || "(empty)", keys: c.keys, bytes: c.bytes, node: c }));
  if (node.otherKeys) items.push({ label: "other namespaces", keys: node.otherKeys, bytes: node.otherBytes ?? 0 });
  const inChildren = items.reduce((a, i) => ({ keys: a.keys + i.keys, bytes: a.bytes + i.bytes }), { keys: 0, bytes: 0 });
  const here = { keys: node.keys - inChildren.keys, bytes: node.bytes - inChildren.bytes };
  if (here.keys > 0) items.push({ label: node.prefix ? `keys directly in ${node.prefix}` : "keys without a namespace", ...here });
  return items;
}

/**
 * Where the bytes of a cache go, by namespace: click a tile to zoom in, the path above to zoom out.
 * `trail` is the root and the namespaces zoomed into; `onZoom` gets the new path of prefixes.
 */
export function Treemap({ alias, trail, onZoom }: { alias: string; trail: NamespaceNode[]; onZoom: (path: string[]) => void }) {
  const setPath = onZoom;
  const path = trail.slice(1).map((n) => n.prefix);
  const current = trail[trail.length - 1];
  const items = tilesOf(current);
  const byBytes = items.some((i) => i.bytes > 0);
  const tiles = squarify(
    items.map((i) => ({ item: i, value: byBytes ? i.bytes : i.keys })),
    { x: 0, y: 0, w: W, h: H },
  );

  return (
    <div className="space-y-2" data-testid="treemap">
      <div className="flex flex-wrap items-baseline gap-1 text-sm">
        {trail.map((n, i) => (
          <span key={n.prefix} className="flex items-baseline gap-1">
            {i > 0 ? <span className="text-slate-400">›</span> : null}
            {i === trail.length - 1 ? (
              <span className="mono font-medium" data-testid="treemap-current">
                {i === 0 ? "all keys" : n.prefix}
              </span>
            ) : (
              <button className="mono text-sky-800 hover:underline" onClick={() => setPath(path.slice(0, i))}>
                {i === 0 ? "all keys" : n.prefix}
              </button>
            )}
          </span>
        ))}
        <span className="text-slate-500">
          · {formatCount(current.keys)} keys · {formatBytes(current.bytes)}
        </span>
        <Link href={browseHref(alias, current.prefix)} className="ml-auto text-sky-800 hover:underline" data-testid="treemap-open">
          Open {current.prefix ? <span className="mono">{current.prefix}</span> : "all keys"} in the key browser
        </Link>
      </div>
      {tiles.length === 0 ? (
        <p className="text-slate-500">No keys at this level.</p>
      ) : (
        <svg
          viewBox={`0 0 ${W} ${H}`}
          className="w-full rounded border border-slate-200 bg-white"
          role="img"
          aria-label="Namespace treemap"
        >
          {tiles.map((t, i) => {
            const zoomable = t.item.node !== undefined && t.item.node.children.length + (t.item.node.otherKeys ? 1 : 0) > 0;
            const title = `${t.item.label}: ${formatCount(t.item.keys)} keys, ${formatBytes(t.item.bytes)}`;
            const showLabel = t.w > 60 && t.h > 22;
            return (
              <g
                key={`${t.item.label}-${i}`}
                data-testid="treemap-tile"
                data-name={t.item.label}
                role={zoomable ? "button" : undefined}
                aria-label={zoomable ? `Zoom into ${t.item.label}` : title}
                tabIndex={zoomable ? 0 : undefined}
                className={zoomable ? "cursor-pointer" : undefined}
                onClick={zoomable ? () => setPath([...path, t.item.node!.prefix]) : undefined}
                onKeyDown={zoomable ? (e) => e.key === "Enter" && setPath([...path, t.item.node!.prefix]) : undefined}
              >
                <title>{title}</title>
                <rect
                  x={t.x + 1}
                  y={t.y + 1}
                  width={Math.max(0, t.w - 2)}
                  height={Math.max(0, t.h - 2)}
                  fill={t.item.node ? PALETTE[i % PALETTE.length] : "#cbd5e1"}
                  opacity={zoomable ? 0.85 : 0.6}
                />
                {showLabel ? (
                  <text x={t.x + 6} y={t.y + 17} fontSize={13} fill="#0f172a" className="pointer-events-none">
                    {t.item.label.length * 7 > t.w - 8
                      ? `${t.item.label.slice(0, Math.max(1, Math.floor((t.w - 16) / 7)))}…`
                      : t.item.label}
                  </text>
                ) : null}
                {showLabel && t.h > 40 ? (
                  <text x={t.x + 6} y={t.y + 34} fontSize={11} fill="#1e293b" className="pointer-events-none">
                    {formatBytes(t.item.bytes)}
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
      )}
    </div>
  );
}
