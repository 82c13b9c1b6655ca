import { describe, expect, it } from "vitest";
import { healthReport } from "./health";

describe("DatabaseCache health report", () => {
  const facts = { rows: 120, expired: 0, tableBytes: 16384, indexBytes: 2048, version: "PostgreSQL 15.20" };

  it("under MAX_ENTRIES with nothing expired: no warning", () => {
    const r = healthReport(facts, { maxEntries: 300, cullFrequency: 3 });
    expect(r.warnings).toEqual([]);
    expect(r.facts.map((f) => [f.label, f.value])).toEqual([
      ["Rows", "120"],
      ["MAX_ENTRIES", "300"],
      ["CULL_FREQUENCY", "1/3"],
      ["Expired rows not yet culled", "0"],
      ["Table size", "16.0 KiB"],
      ["Index size", "2.0 KiB"],
      ["Server", "PostgreSQL 15.20"],
    ]);
  });

  it("over MAX_ENTRIES, expired rows waiting, a big table: each said, with what Django does about it", () => {
    const r = healthReport({ ...facts, rows: 200_000, expired: 42, tableBytes: null }, { maxEntries: 1000, cullFrequency: 0 });
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings[0]).toMatch(/over MAX_ENTRIES 1000.*the whole table/);
    expect(r.warnings[1]).toMatch(/^42 expired rows/);
    expect(r.warnings[2]).toMatch(/SELECT COUNT\(\*\)/);
    expect(r.facts.find((f) => f.label === "Table size")?.value).toBe("unknown");
    expect(r.facts.find((f) => f.label === "Rows")?.warn).toBe(true);
  });
});
