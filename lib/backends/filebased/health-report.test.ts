import { describe, expect, it } from "vitest";
import { fileHealthReport } from "./health-report";

const base = {
  directory: "/d",
  entries: 10,
  maxEntries: 300,
  cullFrequency: 3,
  atCap: false,
  totalBytes: 2048,
  expired: 2,
  unreadable: 0,
  tempFiles: 0,
  notRegular: 0,
};

describe("fileHealthReport", () => {
  it("states entries against the cap without warnings when far from it", () => {
    const r = fileHealthReport(base);
    expect(r.warnings).toEqual([]);
    expect(r.facts[0]).toEqual({ label: "Entries / MAX_ENTRIES", value: "10 / 300", warn: false });
  });
  it("warns that a cache at its cap culls a third on every write", () => {
    const r = fileHealthReport({ ...base, entries: 300, atCap: true, unreadable: 1 });
    expect(r.warnings[0]).toMatch(/At MAX_ENTRIES \(300 of 300\): Django deletes a random 1\/3 of all entries/);
    expect(r.warnings[1]).toMatch(/1 file\(s\) are not Django cache entries/);
  });
  it("warns about entry names that are symlinks or directories", () => {
    expect(fileHealthReport({ ...base, notRegular: 2 }).warnings[0]).toMatch(
      /2 "\.djcache" name\(s\) are symlinks or directories.*neither follows, shows nor deletes/,
    );
  });
  it("says CULL_FREQUENCY 0 deletes everything", () => {
    expect(fileHealthReport({ ...base, entries: 300, atCap: true, cullFrequency: 0 }).warnings[0]).toMatch(/deletes all entries/);
  });
});
