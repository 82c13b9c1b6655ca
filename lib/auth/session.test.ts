import { describe, expect, it } from "vitest";
import { RevokedSessions, newSessionValue, nowSeconds, sessionKey, verifySessionValue } from "./session";

const key = sessionKey("admin-token-0123456789", null);
const HOUR = 3600;

describe("session cookies", () => {
  it("carry the role and a signed issue time", () => {
    const s = newSessionValue(key, "viewer", 1_700_000_000);
    expect(s.value.split(".").slice(1, 3)).toEqual(["viewer", "1700000000"]);
    expect(verifySessionValue(key, s.value, HOUR, 1_700_000_010)).toEqual({ sid: s.sid, role: "viewer", issuedAt: 1_700_000_000 });
  });

  it("expire after their lifetime, and refuse an issue time from the future", () => {
    const s = newSessionValue(key, "admin", 1_700_000_000);
    expect(verifySessionValue(key, s.value, HOUR, 1_700_000_000 + HOUR - 1)).not.toBeNull();
    expect(verifySessionValue(key, s.value, HOUR, 1_700_000_000 + HOUR)).toBeNull();
    expect(verifySessionValue(key, s.value, HOUR, 1_700_000_000 - 3600)).toBeNull();
  });

  it("refuse any edit of the issue time, role or id, and malformed values", () => {
    const s = newSessionValue(key, "admin", 1_700_000_000);
    const [sid, role, iat, mac] = s.value.split(".") as [string, string, string, string];
    const now = 1_700_000_010;
    expect(verifySessionValue(key, [sid, role, String(Number(iat) + 5), mac].join("."), HOUR, now)).toBeNull();
    expect(verifySessionValue(key, [sid, "viewer", iat, mac].join("."), HOUR, now)).toBeNull();
    expect(verifySessionValue(key, [`${sid.slice(1)}A`, role, iat, mac].join("."), HOUR, now)).toBeNull();
    for (const bad of ["", ".", "a.b.c.d", `${s.value}.x`, s.value.slice(0, -1), "x".repeat(10_000)]) {
      expect(verifySessionValue(key, bad, HOUR, now)).toBeNull();
    }
    expect(verifySessionValue(sessionKey("admin-token-0123456789", "a-viewer-token-0000"), s.value, HOUR, now)).toBeNull();
  });
});

describe("RevokedSessions", () => {
  it("refuses a revoked session until it would have expired, then forgets it", () => {
    const revoked = new RevokedSessions();
    const a = newSessionValue(key, "admin", 1000);
    const b = newSessionValue(key, "admin", 1000);
    revoked.revoke(a, HOUR, 1100);
    expect(revoked.isRevoked(a)).toBe(true);
    expect(revoked.isRevoked(b)).toBe(false);
    revoked.revoke(b, HOUR, 1000 + HOUR + 1);
    expect(revoked.size).toBe(1);
  });

  it("stays bounded and, when full, refuses everything issued up to what it dropped (never lets one back in)", () => {
    const revoked = new RevokedSessions(100);
    const sessions = Array.from({ length: 1000 }, (_, i) => newSessionValue(key, "admin", 10_000 + i));
    for (const s of sessions) revoked.revoke(s, HOUR, 10_500);
    expect(revoked.size).toBe(100);
    for (const s of sessions) expect(revoked.isRevoked(s)).toBe(true);
    // A session issued after the newest one dropped is not caught by the watermark.
    expect(revoked.isRevoked(newSessionValue(key, "admin", 20_000))).toBe(false);
    expect(revoked.isRevoked(newSessionValue(key, "admin", 10_000))).toBe(true);
  });
});

describe("sessions of a person (Sign in with Django)", () => {
  it("carries the person, signed, and keeps token sessions' 4-part format valid", () => {
    const s = newSessionValue(key, "viewer", nowSeconds(), { username: "bob.smith@x", userId: "42" });
    expect(s.value.split(".")).toHaveLength(5);
    expect(verifySessionValue(key, s.value, 3600)).toEqual({
      sid: s.sid,
      role: "viewer",
      issuedAt: s.issuedAt,
      person: { username: "bob.smith@x", userId: "42" },
    });
    const t = newSessionValue(key, "admin");
    expect(t.value.split(".")).toHaveLength(4);
    expect(verifySessionValue(key, t.value, 3600)?.person).toBeUndefined();
  });

  it("refuses a cookie whose person or role was changed", () => {
    const s = newSessionValue(key, "viewer", nowSeconds(), { username: "bob", userId: "42" });
    const parts = s.value.split(".");
    const other = Buffer.from(JSON.stringify(["1", "admin"])).toString("base64url");
    expect(verifySessionValue(key, [parts[0], parts[1], parts[2], other, parts[4]].join("."), 3600)).toBeNull();
    expect(verifySessionValue(key, [parts[0], "admin", parts[2], parts[3], parts[4]].join("."), 3600)).toBeNull();
    // Dropping the person does not turn it into a valid token session.
    expect(verifySessionValue(key, [parts[0], parts[1], parts[2], parts[4]].join("."), 3600)).toBeNull();
  });
});
