import type { NamespaceNode } from "@/lib/django/namespaces";
import type { AnalysisResult } from "./types";

/** The analysis as files a person downloads: the Job result as JSON, and its tables as one CSV (pure: runs in the browser). */

const COLUMNS = ["table", "name", "detail", "keys", "bytes"] as const;
type Row = [string, string, string, number, number];

/**
 * One CSV field. Quoted when it holds a comma, quote or line break; a leading = + - @ (or tab/CR) gets a "'" in front,
 * because spreadsheets run such cells as formulas and key names come from whoever wrote the cache.
 */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function flatten(node: NamespaceNode, depth: number, rows: Row[]): void {
  for (const child of node.children) {
    rows.push(["namespace", child.prefix, String(depth), child.keys, child.bytes]);
    flatten(child, depth + 1, rows);
  }
  if (node.otherKeys) rows.push(["namespace", `${node.prefix}(other)`, String(depth), node.otherKeys, node.otherBytes ?? 0]);
}

function bound(le: number | null): string {
  return le === null ? "le=+Inf" : `le=${le}`;
}

export function analysisCsv(r: AnalysisResult): string {
  const rows: Row[] = [];
  rows.push(["total", r.sampled ? "estimate" : "exact", "", r.keys, r.bytes]);
  for (const k of r.byKind) rows.push(["kind", k.kind, "", k.keys, k.bytes]);
  for (const v of r.byVersion)
    rows.push(["version", v.version === null ? "(not a Django key)" : String(v.version), v.current ? "current" : "old", v.keys, v.bytes]);
  flatten(r.namespaces, 1, rows);
  for (const g of r.groups) rows.push(["group", g.name, g.kind, g.keys, g.bytes]);
  for (const t of r.top) rows.push(["top", t.raw ?? `${t.file ?? ""}.djcache`, t.key ?? "", 1, t.size]);
  for (const b of r.sizeHistogram) rows.push(["size_histogram", bound(b.le), "bytes", b.count, 0]);
  for (const b of r.ttlHistogram) rows.push(["ttl_histogram", bound(b.le), "seconds", b.count, 0]);
  rows.push(["ttl_histogram", "no expiry", "", r.noTtl, 0]);
  // Cold figures (issue #18): one row per namespace and figure the basis can tell.
  for (const ns of r.cold?.namespaces ?? []) {
    const figures = { never_read: ns.neverRead, idle_over_1h: ns.idleOver1h, idle_over_24h: ns.idleOver24h, no_expiry: ns.noExpiry };
    for (const [detail, f] of Object.entries(figures)) if (f) rows.push(["cold", ns.name, detail, f.keys, f.bytes]);
  }
  return [COLUMNS.join(","), ...rows.map((row) => row.map(csvField).join(","))].join("\r\n") + "\r\n";
}

export function analysisJson(r: AnalysisResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
