import { describe, expect, it } from "vitest";
import { checkAccess, type RequestFacts } from "./access";
import { newSessionValue, verifySessionValue } from "./session";

const settings = { token: "s3cret-token", readOnly: false };
const base: RequestFacts = { method: "GET", authorization: null, cookie: undefined, origin: null, selfOrigin: "http://localhost:3000" };

describe("checkAccess", () => {
  it("refuses a request with nothing", () => {
    expect(checkAccess(base, settings)).toMatchObject({ ok: false, status: 401 });
  });
  it("accepts the bearer token and refuses a wrong one", () => {
    expect(checkAccess({ ...base, authorization: "Bearer s3cret-token" }, settings)).toEqual({ ok: true, actor: "token", role: "admin" });
    expect(checkAccess({ ...base, authorization: "Bearer s3cret-tokeX" }, settings)).toMatchObject({ ok: false, status: 401 });
  });
  it("accepts a signed session cookie and names the session", () => {
    const { sid, value } = newSessionValue(settings.token);
    const r = checkAccess({ ...base, cookie: value }, settings);
    expect(r).toEqual({ ok: true, actor: `session:${sid.slice(0, 8)}`, role: "admin" });
  });
  it("refuses a cookie signed with another token", () => {
    const { value } = newSessionValue("other");
    expect(verifySessionValue(settings.token, value)).toBeNull();
    expect(checkAccess({ ...base, cookie: value }, settings)).toMatchObject({ ok: false, status: 401 });
  });
  it("refuses cross-origin or origin-less cookie mutations, not bearer ones", () => {
    const { value } = newSessionValue(settings.token);
    const del = { ...base, method: "DELETE", cookie: value };
    expect(checkAccess({ ...del, origin: "https://evil.example" }, settings)).toMatchObject({ ok: false, status: 403, code: "cross_origin" });
    expect(checkAccess(del, settings)).toMatchObject({ ok: false, status: 403 });
    expect(checkAccess({ ...del, origin: "http://localhost:3000" }, settings)).toMatchObject({ ok: true });
    expect(checkAccess({ ...base, method: "POST", authorization: "Bearer s3cret-token" }, settings)).toMatchObject({ ok: true });
  });
  it("refuses every mutation in read-only mode but still allows reads", () => {
    const ro = { ...settings, readOnly: true };
    const auth = "Bearer s3cret-token";
    expect(checkAccess({ ...base, method: "POST", authorization: auth }, ro)).toMatchObject({ ok: false, status: 403, code: "read_only" });
    expect(checkAccess({ ...base, authorization: auth }, ro)).toMatchObject({ ok: true });
  });
  it("lets a POST that only reads (an analysis) through in read-only mode, still checking its origin", () => {
    const ro = { ...settings, readOnly: true };
    const { value } = newSessionValue(settings.token);
    const post = { ...base, method: "POST", cookie: value, readsOnly: true };
    expect(checkAccess({ ...post, origin: "http://localhost:3000" }, ro)).toMatchObject({ ok: true });
    expect(checkAccess({ ...post, origin: "https://evil.example" }, ro)).toMatchObject({ ok: false, code: "cross_origin" });
  });
});
