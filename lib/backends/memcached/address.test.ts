import { describe, expect, it } from "vitest";
import { parseAddress } from "./address";

describe("parseAddress", () => {
  it("reads the location forms the Python clients accept", () => {
    expect(parseAddress("127.0.0.1:11295")).toEqual({ kind: "tcp", host: "127.0.0.1", port: 11295, label: "127.0.0.1:11295" });
    expect(parseAddress("cache-1")).toMatchObject({ kind: "tcp", host: "cache-1", port: 11211 });
    expect(parseAddress("[::1]:11300")).toMatchObject({ kind: "tcp", host: "::1", port: 11300 });
    expect(parseAddress("unix:/run/memcached.sock")).toEqual({
      kind: "unix",
      path: "/run/memcached.sock",
      label: "unix:/run/memcached.sock",
    });
    expect(parseAddress("/tmp/mc.sock")).toMatchObject({ kind: "unix", path: "/tmp/mc.sock" });
  });
  it.each(["", "host:0", "host:70000", "unix:relative", "a b:1", "host:port"])("refuses %j", (loc) => {
    expect(() => parseAddress(loc)).toThrow();
  });
});
