import { describe, expect, it } from "vitest";
import { keyOfCommand, parseCommandStats, parseSlowlog } from "./health";

describe("Redis health panel parsing", () => {
  it("finds the key a logged command names", () => {
    expect(keyOfCommand(["GET", ":1:a:b"])).toBe(":1:a:b");
    expect(keyOfCommand(["EVALSHA", "abc", "1", ":1:k", "arg"])).toBe(":1:k");
    expect(keyOfCommand(["EVAL", "return 1", "0"])).toBeNull();
    expect(keyOfCommand(["OBJECT", "IDLETIME", ":1:x"])).toBe(":1:x");
    expect(keyOfCommand(["DEBUG", "SLEEP", "1"])).toBeNull();
    expect(keyOfCommand(["SCAN", "0"])).toBeNull();
  });

  it("maps slow log keys to Django namespaces and drops the values", () => {
    const [e] = parseSlowlog([[7, 1700000000, 12000, ["set", "pre:1:reports:daily:1", "secret"], "127.0.0.1:5000", ""]], "pre");
    expect(e).toEqual({
      id: 7,
      at: 1700000000000,
      micros: 12000,
      command: "SET",
      args: 2,
      rawKey: "pre:1:reports:daily:1",
      key: "reports:daily:1",
      namespace: "reports:daily:",
      client: "127.0.0.1:5000",
    });
  });

  it("ranks commands by total time", () => {
    const info =
      "# Commandstats\r\ncmdstat_get:calls=10,usec=50,usec_per_call=5.00\r\ncmdstat_config|set:calls=1,usec=90,usec_per_call=90.00\r\n";
    expect(parseCommandStats(info).map((c) => [c.command, c.calls, c.usec])).toEqual([
      ["CONFIG SET", 1, 90],
      ["GET", 10, 50],
    ]);
  });
});
