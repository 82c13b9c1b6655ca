import { describe, expect, it } from "vitest";
import { LoginThrottle, clientKey } from "./throttle";

describe("LoginThrottle", () => {
  const options = { free: 5, baseMs: 1000, maxMs: 60_000, maxClients: 100 };

  it("allows 5 wrong attempts, then waits 1 s, 2 s, 4 s ... up to the bound", () => {
    const t = new LoginThrottle(options);
    let now = 0;
    for (let i = 0; i < 5; i++) {
      expect(t.check("a", now)).toEqual({ allowed: true });
      t.fail("a", now);
    }
    expect(t.check("a", now)).toEqual({ allowed: true });
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      t.fail("a", now);
      const v = t.check("a", now);
      if (v.allowed) throw new Error("expected a wait");
      waits.push(v.retryAfterSeconds);
      now += v.retryAfterSeconds * 1000;
      expect(t.check("a", now)).toEqual({ allowed: true });
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it("keeps clients apart, and a right token starts the client afresh", () => {
    const t = new LoginThrottle(options);
    for (let i = 0; i < 6; i++) t.fail("a", 0);
    expect(t.check("a", 0).allowed).toBe(false);
    expect(t.check("b", 0).allowed).toBe(true);
    t.succeed("a");
    expect(t.check("a", 0).allowed).toBe(true);
  });

  it("forgets an idle client and stays bounded however many clients guess", () => {
    const t = new LoginThrottle(options);
    for (let i = 0; i < 6; i++) t.fail("idle", 0);
    expect(t.check("idle", 61_000).allowed).toBe(true);
    for (let i = 0; i < 10_000; i++) t.fail(`c${i}`, 100_000);
    expect(t.size).toBe(100);
  });
});

describe("clientKey", () => {
  it("groups IPv6 by /64, maps IPv4-in-IPv6 to IPv4", () => {
    expect(clientKey("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(clientKey("10.0.0.7")).toBe("10.0.0.7");
    expect(clientKey("2001:db8:0:1::5")).toBe(clientKey("2001:0db8:0000:0001:ffff:1:2:3"));
    expect(clientKey("2001:db8:0:1::5")).not.toBe(clientKey("2001:db8:0:2::5"));
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey(null)).toBe("unknown");
  });
});
