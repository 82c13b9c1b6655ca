import { describe, expect, it } from "vitest";
import { DEFAULT_INTERVAL_MS, DEFAULT_TIMEOUT_MS, samplerSettings } from "./options";

describe("samplerSettings", () => {
  it("defaults to a 2 s interval", () => {
    expect(samplerSettings({})).toEqual({ intervalMs: DEFAULT_INTERVAL_MS, timeoutMs: DEFAULT_TIMEOUT_MS });
    expect(DEFAULT_INTERVAL_MS).toBe(2000);
  });
  it("reads CACHESCOPE_STATS_INTERVAL_MS", () => {
    expect(samplerSettings({ CACHESCOPE_STATS_INTERVAL_MS: "5000" }).intervalMs).toBe(5000);
  });
  it("refuses values that are not whole milliseconds in range", () => {
    for (const bad of ["abc", "1.5", "0", "-2000", "999999"]) {
      expect(() => samplerSettings({ CACHESCOPE_STATS_INTERVAL_MS: bad })).toThrow(/CACHESCOPE_STATS_INTERVAL_MS/);
    }
  });
});
