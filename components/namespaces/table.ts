import type { NamespaceRow } from "@/lib/namespaces/aggregate";

/** The Namespaces table's windows and sorts, as they appear in the query string (?window=5m&sort=ratio&order=asc). Pure. */

export const WINDOWS = { "1m": 60, "5m": 300, "1h": 3600 } as const;
export type WindowName = keyof typeof WINDOWS;

export function parseWindow(value: string | null): WindowName {
  return value !== null && value in WINDOWS ? (value as WindowName) : "1m";
}

export const SORTS = {
  misses: (r: NamespaceRow) => r.missesPerSec,
  requests: (r: NamespaceRow) => r.requestsPerSec,
  ratio: (r: NamespaceRow) => r.hitRatio ?? -1,
  sets: (r: NamespaceRow) => r.setsPerSec,
  deletes: (r: NamespaceRow) => r.deletesPerSec,
  name: (r: NamespaceRow) => r.name,
} as const;
export type SortName = keyof typeof SORTS;

export function parseSort(sort: string | null, order: string | null): { sort: SortName; desc: boolean } {
  const s = sort !== null && sort in SORTS ? (sort as SortName) : "misses";
  // Numbers read best largest first, names A to Z.
  const desc = order === "asc" ? false : order === "desc" ? true : s !== "name";
  return { sort: s, desc };
}

export function sortRows(rows: NamespaceRow[], sort: SortName, desc: boolean): NamespaceRow[] {
  const key = SORTS[sort];
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const c = typeof x === "string" && typeof y === "string" ? x.localeCompare(y) : (x as number) - (y as number);
    return (desc ? -c : c) || a.name.localeCompare(b.name);
  });
}

export function filterRows(rows: NamespaceRow[], q: string): NamespaceRow[] {
  const needle = q.trim().toLowerCase();
  return needle ? rows.filter((r) => r.name.toLowerCase().includes(needle)) : rows;
}

export const FLAG_LABEL = {
  "written-never-read": "written, never read",
  "mostly-misses": "mostly misses",
} as const;

export const SKIP_LABEL: Record<string, string> = {
  notJson: "not JSON",
  otherVersion: "another format version",
  otherTimingVersion: "records with timing of another companion version (their counts used, timing not)",
  badTiming: "namespaces with bad timing data",
  truncated: "cut short",
  tooLong: "over 1 MiB",
  badRecord: "not a v1 record",
  otherAlias: "for another alias",
  badNamespace: "namespaces with bad counters",
  nameCut: "names cut to 200 characters",
  namespacesOverCap: "namespaces past 5,000 (counted under (other))",
  linesOverCap: "lines past 10,000 in a bucket",
  bucketCut: "buckets over 4 MiB (read in part)",
  unreadable: "buckets that could not be read",
};
