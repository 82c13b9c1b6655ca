import { describe, expect, it } from "vitest";
import { parseSinks } from "./sinks";

const ALIASES = ["default", "dummy", "locmem"];

describe("parseSinks (CACHESCOPE_SINKS)", () => {
  it("reads aliases and absolute directories", () => {
    const s = parseSinks('{"dummy": "default", "locmem": "/var/lib/cachescope/"}', ALIASES);
    expect(s.errors).toEqual([]);
    expect([...s.sinks]).toEqual([
      ["dummy", { alias: "default" }],
      ["locmem", { dir: "/var/lib/cachescope" }],
    ]);
  });

  it("is empty when unset or blank", () => {
    expect(parseSinks(undefined, ALIASES)).toEqual({ sinks: new Map(), errors: [] });
    expect(parseSinks("  ", ALIASES)).toEqual({ sinks: new Map(), errors: [] });
  });

  it("names every problem and keeps the entries that are fine", () => {
    const s = parseSinks('{"dummy": "nosuch", "locmem": "./rel", "x": 3, "y": "", "ok": "default"}', ALIASES);
    expect([...s.sinks.keys()]).toEqual(["ok"]);
    expect(s.errors).toEqual([
      'CACHESCOPE_SINKS["dummy"]: "nosuch" is neither a configured alias (default, dummy, locmem) nor an absolute directory',
      'CACHESCOPE_SINKS["locmem"]: "./rel" is a relative path; give an absolute directory',
      'CACHESCOPE_SINKS["x"]: expected another alias\'s name or an absolute directory path',
      'CACHESCOPE_SINKS["y"]: expected another alias\'s name or an absolute directory path',
    ]);
  });

  it("says what is wrong with JSON that is not an object", () => {
    expect(parseSinks("{nope", ALIASES).errors[0]).toMatch(/^CACHESCOPE_SINKS is not valid JSON/);
    expect(parseSinks('["default"]', ALIASES).errors[0]).toMatch(/^CACHESCOPE_SINKS: expected a JSON object/);
    expect(parseSinks("null", ALIASES).errors[0]).toMatch(/^CACHESCOPE_SINKS: expected a JSON object/);
  });
});
