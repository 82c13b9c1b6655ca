import { describe, expect, it } from "vitest";
import { checkAccess, roleOfToken, type AccessSettings, type RequestFacts } from "./access";
import { RevokedSessions, newSessionValue, sessionKey } from "./session";

const TOKEN = "s3cret-token-0123456789";
const VIEWER = "viewer-token-0123456789";

function settings(extra: Partial<AccessSettings> = {}): AccessSettings {
  return {
    token: TOKEN,
    viewerToken: VIEWER,
    readOnly: false,
    sessionKey: sessionKey(TOKEN, VIEWER),
    sessionSeconds: 3600,
    revoked: new RevokedSessions(),
    ...extra,
  };
}
const base: RequestFacts = { method: "GET", authorization: null, cookie: undefined, origin: null, selfOrigin: "http://localhost:3000" };
const SELF = "http://localhost:3000";

describe("checkAccess", () => {
  it("refuses a request with nothing", () => {
    expect(checkAccess(base, settings())).toMatchObject({ ok: false, status: 401 });
  });

  it("accepts the admin and viewer bearer tokens and flags a wrong one as a guess", () => {
    expect(checkAccess({ ...base, authorization: `Bearer ${TOKEN}` }, settings())).toEqual({ ok: true, actor: "token", role: "admin" });
    expect(checkAccess({ ...base, authorization: `Bearer ${VIEWER}` }, settings())).toEqual({
      ok: true,
      actor: "viewer-token",
      role: "viewer",
    });
    expect(checkAccess({ ...base, authorization: `Bearer ${TOKEN}X` }, settings())).toMatchObject({
      ok: false,
      status: 401,
      wrongToken: true,
    });
    // No viewer token configured: the viewer's old token is just wrong.
    expect(checkAccess({ ...base, authorization: `Bearer ${VIEWER}` }, settings({ viewerToken: null }))).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it("accepts a signed session cookie, names the session and keeps its role", () => {
    const s = settings();
    const admin = newSessionValue(s.sessionKey, "admin");
    expect(checkAccess({ ...base, cookie: admin.value }, s)).toEqual({
      ok: true,
      actor: `session:${admin.sid.slice(0, 8)}`,
      role: "admin",
    });
    const viewer = newSessionValue(s.sessionKey, "viewer");
    expect(checkAccess({ ...base, cookie: viewer.value }, s)).toMatchObject({ ok: true, role: "viewer" });
  });

  it("refuses a cookie signed with other tokens, and a viewer's cookie re-labelled admin", () => {
    const s = settings();
    expect(checkAccess({ ...base, cookie: newSessionValue(sessionKey("other-token-0123456789", VIEWER), "admin").value }, s)).toMatchObject(
      { status: 401 },
    );
    expect(checkAccess({ ...base, cookie: newSessionValue(sessionKey(TOKEN, "another-viewer-token"), "admin").value }, s)).toMatchObject({
      status: 401,
    });
    const viewer = newSessionValue(s.sessionKey, "viewer").value;
    expect(checkAccess({ ...base, cookie: viewer.replace(".viewer.", ".admin.") }, s)).toMatchObject({ ok: false, status: 401 });
  });

  it("refuses an expired cookie and a logged-out one, saying so; a bad cookie never counts as a token guess", () => {
    const s = settings();
    const old = newSessionValue(s.sessionKey, "admin", Math.floor(Date.now() / 1000) - 3601);
    const r = checkAccess({ ...base, cookie: old.value }, s);
    expect(r).toMatchObject({ ok: false, status: 401, message: expect.stringMatching(/expired or was logged out/) });
    expect(r).not.toHaveProperty("wrongToken");
    const live = newSessionValue(s.sessionKey, "admin");
    s.revoked.revoke(live, s.sessionSeconds);
    expect(checkAccess({ ...base, cookie: live.value }, s)).toMatchObject({ ok: false, status: 401 });
  });

  it("refuses cross-origin or origin-less cookie mutations, not bearer ones", () => {
    const s = settings();
    const del = { ...base, method: "DELETE", cookie: newSessionValue(s.sessionKey, "admin").value };
    expect(checkAccess({ ...del, origin: "https://evil.example" }, s)).toMatchObject({ ok: false, status: 403, code: "cross_origin" });
    expect(checkAccess(del, s)).toMatchObject({ ok: false, status: 403 });
    expect(checkAccess({ ...del, origin: SELF }, s)).toMatchObject({ ok: true });
    expect(checkAccess({ ...base, method: "POST", authorization: `Bearer ${TOKEN}` }, s)).toMatchObject({ ok: true });
  });

  it("refuses every mutation in read-only mode but still allows reads", () => {
    const ro = settings({ readOnly: true });
    const auth = `Bearer ${TOKEN}`;
    expect(checkAccess({ ...base, method: "POST", authorization: auth }, ro)).toMatchObject({ ok: false, status: 403, code: "read_only" });
    expect(checkAccess({ ...base, authorization: auth }, ro)).toMatchObject({ ok: true });
  });

  it("refuses every mutation to a viewer, by bearer or cookie, and lets it read and run read-only POSTs", () => {
    const s = settings();
    const cookie = newSessionValue(s.sessionKey, "viewer").value;
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect(checkAccess({ ...base, method, authorization: `Bearer ${VIEWER}` }, s)).toMatchObject({
        ok: false,
        status: 403,
        code: "viewer",
      });
      expect(checkAccess({ ...base, method, cookie, origin: SELF }, s)).toMatchObject({ ok: false, status: 403, code: "viewer" });
    }
    expect(checkAccess({ ...base, method: "DELETE", cookie, origin: SELF }, s)).toMatchObject({
      message: expect.stringMatching(/viewer.*change nothing/),
    });
    expect(checkAccess({ ...base, cookie }, s)).toMatchObject({ ok: true, role: "viewer" });
    expect(checkAccess({ ...base, method: "POST", cookie, origin: SELF, readsOnly: true }, s)).toMatchObject({ ok: true, role: "viewer" });
    // The origin check still comes first for a viewer's read-only POST.
    expect(checkAccess({ ...base, method: "POST", cookie, origin: "https://evil.example", readsOnly: true }, s)).toMatchObject({
      code: "cross_origin",
    });
  });

  it("lets a POST that only reads (an analysis) through in read-only mode, still checking its origin", () => {
    const ro = settings({ readOnly: true });
    const post = { ...base, method: "POST", cookie: newSessionValue(ro.sessionKey, "admin").value, readsOnly: true };
    expect(checkAccess({ ...post, origin: SELF }, ro)).toMatchObject({ ok: true });
    expect(checkAccess({ ...post, origin: "https://evil.example" }, ro)).toMatchObject({ ok: false, code: "cross_origin" });
  });
});

describe("roleOfToken", () => {
  it("tells the two tokens apart and refuses anything else", () => {
    const s = settings();
    expect(roleOfToken(TOKEN, s)).toBe("admin");
    expect(roleOfToken(VIEWER, s)).toBe("viewer");
    for (const t of [null, undefined, "", TOKEN.slice(0, -1), `${TOKEN} `, TOKEN.toUpperCase()]) expect(roleOfToken(t, s)).toBeNull();
  });
});

describe("checkAccess with a person's session (Sign in with Django)", () => {
  it("names the person as the actor and keeps their role, revocation and the viewer's limits", () => {
    const s = settings();
    const person = { username: "olga", userId: "12" };
    const admin = newSessionValue(s.sessionKey, "admin", undefined, person);
    expect(checkAccess({ ...base, cookie: admin.value }, s)).toEqual({ ok: true, actor: "olga", role: "admin", person });
    const viewer = newSessionValue(s.sessionKey, "viewer", undefined, { username: "vera", userId: "13" });
    expect(checkAccess({ ...base, method: "POST", origin: SELF, cookie: viewer.value }, s)).toMatchObject({
      ok: false,
      status: 403,
      code: "viewer",
    });
    s.revoked.revoke(admin, s.sessionSeconds);
    expect(checkAccess({ ...base, cookie: admin.value }, s)).toMatchObject({ ok: false, status: 401 });
  });
});
