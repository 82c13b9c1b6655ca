import { describe, expect, it } from "vitest";
import { AuthConfigError, parseAuthSettings } from "./settings";

describe("parseAuthSettings", () => {
  it("refuses a token shorter than 16 characters, saying which and why", () => {
    expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: "short-token" })).toThrow(AuthConfigError);
    expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: "short-token" })).toThrow(
      /CACHESCOPE_TOKEN is 11 characters long; it must be at least 16/,
    );
    expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: "a".repeat(16), CACHESCOPE_VIEWER_TOKEN: "viewer" })).toThrow(
      /CACHESCOPE_VIEWER_TOKEN is 6 characters/,
    );
    expect(parseAuthSettings({ CACHESCOPE_TOKEN: "a".repeat(16) }).token).toBe("a".repeat(16));
  });

  it("makes a random admin token when none is given, long enough itself", () => {
    const s = parseAuthSettings({});
    expect(s.tokenGenerated).toBe(true);
    expect(s.token.length).toBeGreaterThanOrEqual(16);
    expect(s.viewerToken).toBeNull();
  });

  it("refuses a viewer token equal to the admin token", () => {
    expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: "a".repeat(20), CACHESCOPE_VIEWER_TOKEN: "a".repeat(20) })).toThrow(
      /equals CACHESCOPE_TOKEN/,
    );
  });

  it("reads the session lifetime (default 12 h) and the proxy trust", () => {
    const token = "a".repeat(16);
    expect(parseAuthSettings({ CACHESCOPE_TOKEN: token })).toMatchObject({ sessionSeconds: 12 * 3600, trustProxy: false });
    expect(parseAuthSettings({ CACHESCOPE_TOKEN: token, CACHESCOPE_SESSION_HOURS: "0.5", CACHESCOPE_TRUST_PROXY: "1" })).toMatchObject({
      sessionSeconds: 1800,
      trustProxy: true,
    });
    for (const bad of ["0", "-1", "abc", "1e9"]) {
      expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: token, CACHESCOPE_SESSION_HOURS: bad })).toThrow(/CACHESCOPE_SESSION_HOURS/);
    }
  });
});

describe("Sign in with Django settings", () => {
  const token = "a".repeat(20);
  it("refuses a secret under 32 bytes, saying why", () => {
    expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: token, CACHESCOPE_DJANGO_SECRET: "x".repeat(31) })).toThrow(
      /CACHESCOPE_DJANGO_SECRET is 31 bytes long; it must be at least 32/,
    );
    expect(parseAuthSettings({ CACHESCOPE_TOKEN: token, CACHESCOPE_DJANGO_SECRET: "x".repeat(32) }).djangoSecret).toBe("x".repeat(32));
  });

  it("needs the secret for a login URL and for turning token logins off", () => {
    expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: token, CACHESCOPE_DJANGO_LOGIN_URL: "http://shop/cachescope/login/" })).toThrow(
      /CACHESCOPE_DJANGO_SECRET is not/,
    );
    expect(() => parseAuthSettings({ CACHESCOPE_TOKEN: token, CACHESCOPE_TOKEN_LOGIN: "0" })).toThrow(/no way to log in/);
    expect(() =>
      parseAuthSettings({
        CACHESCOPE_TOKEN: token,
        CACHESCOPE_DJANGO_SECRET: "x".repeat(32),
        CACHESCOPE_DJANGO_LOGIN_URL: "javascript:alert(1)",
      }),
    ).toThrow(/http\(s\) URL/);
    const s = parseAuthSettings({
      CACHESCOPE_TOKEN: token,
      CACHESCOPE_DJANGO_SECRET: "x".repeat(32),
      CACHESCOPE_DJANGO_LOGIN_URL: "http://shop/cachescope/login/",
      CACHESCOPE_TOKEN_LOGIN: "0",
    });
    expect(s).toMatchObject({ tokenLogin: false, djangoLoginUrl: "http://shop/cachescope/login/" });
    expect(parseAuthSettings({ CACHESCOPE_TOKEN: token }).tokenLogin).toBe(true);
  });
});
