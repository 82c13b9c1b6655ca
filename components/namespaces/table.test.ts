import { describe, expect, it } from "vitest";
import type { NamespaceRow } from "@/lib/namespaces/aggregate";
import { zeroCounts } from "@/lib/namespaces/parse";
import { filterRows, parseSort, parseWindow, sortRows } from "./table";

function row(name: string, missesPerSec: number, hitRatio: number | null): NamespaceRow {
  return {
    name,
    kind: "key",
    ...zeroCounts(),
    hitRatio,
    requestsPerSec: 1,
    missesPerSec,
    setsPerSec: 0,
    deletesPerSec: 0,
    flags: [],
    spark: [],
    latency: null,
    saved: { costPerMissMs: null, hitsPerSecond: 0, savedSecondsPerSecond: null },
  };
}

describe("namespaces table state", () => {
  it("reads window and sort from the query string with defaults", () => {
    expect(parseWindow("5m")).toBe("5m");
    expect(parseWindow("2d")).toBe("1m");
    expect(parseSort(null, null)).toEqual({ sort: "misses", desc: true });
    expect(parseSort("name", null)).toEqual({ sort: "name", desc: false });
    expect(parseSort("ratio", "asc")).toEqual({ sort: "ratio", desc: false });
    expect(parseSort("bogus", "desc")).toEqual({ sort: "misses", desc: true });
  });

  it("sorts by a column, ties by name; rows without reads sort below any ratio", () => {
    const rows = [row("b", 1, 0.5), row("a", 1, null), row("c", 3, 0.9)];
    expect(sortRows(rows, "misses", true).map((r) => r.name)).toEqual(["c", "a", "b"]);
    expect(sortRows(rows, "ratio", false).map((r) => r.name)).toEqual(["a", "b", "c"]);
    expect(sortRows(rows, "name", true).map((r) => r.name)).toEqual(["c", "b", "a"]);
  });

  it("filters by name, case-insensitively", () => {
    expect(filterRows([row("API:list", 0, null), row("session", 0, null)], "api").map((r) => r.name)).toEqual(["API:list"]);
  });
});
