import { describe, expect, it } from "vitest";
import { AuthConfigError, parseAuthSettings } from "./settings";

describe("parseAuthSettings", () => {
  it("refuses a token shorter than 16 characters, saying which and why", () => {
    expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: "short-token" })).toThrow(AuthConfigError);
    expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: "short-token" })).toThrow(/CACHESCOPE_TOKEN is 11 characters long; it must be at least 16/);
    expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: "a".repeat(16), CACHESCOPE_VIEWER_TOKEN: "viewer" })).toThrow(/CACHESCOPE_VIEWER_TOKEN is 6 characters/);
    expect(parseAuthSettings({ CACHESCOPE_TOKEN: "a".repeat(16) }).token).toBe("a".repeat(16));
  });

  it("makes a random admin token when none is given, long enough itself", () => {
    const s = parseAuthSettings({});
    expect(s.tokenGenerated).toBe(true);
    expect(s.token.length).toBeGreaterThanOrEqual(16);
    expect(s.viewerToken).toBeNull();
  });

  it("refuses a viewer token equal to the admin token", () => {
    expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: "a".repeat(20), CACHESCOPE_VIEWER_TOKEN: "a".repeat(20) })).toThrow(/equals CACHESCOPE_TOKEN/);
  });

  it("reads the session lifetime (default 12 h) and the proxy trust", () => {
    const token = "a".repeat(16);
    expect(parseAuthSettings({ CACHESCOPE_TOKEN: token })).toMatchObject({ sessionSeconds: 12 * 3600, trustProxy: false });
    expect(parseAuthSettings({ CACHESCOPE_TOKEN: token, CACHESCOPE_SESSION_HOURS: "0.5", CACHESCOPE_TRUST_PROXY: "1" })).toMatchObject({ sessionSeconds: 1800, trustProxy: true });
    for (const bad of ["0", "-1", "abc", "1e9"]) {
      expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: token, CACHESCOPE_SESSION_HOURS: bad })).toThrow(/CACHESCOPE_SESSION_HOURS/);
    }
  });
});
