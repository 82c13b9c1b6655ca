import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signAssertionPayload } from "@/lib/auth/django";
import { nowSeconds } from "@/lib/auth/session";
import { GET as caches } from "../../caches/route";
import { GET as audit } from "../../audit/route";
import { GET as tokenGet, POST as tokenPost } from "../route";
import { GET } from "./route";

/** The real sign-in handler with a context built from the environment (a DummyCache, an audit log in a temp dir). */

const holder = globalThis as unknown as { __cachescope?: unknown };
const TOKEN = "django-login-test-token-0123";
const SECRET = "django-login-test-secret-0123456789-abcdef";
const ORIGIN = "http://127.0.0.1:3000";
const saved = { ...process.env };
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "cachescope-djlogin-"));
  holder.__cachescope = undefined;
  Object.assign(process.env, {
    CACHESCOPE_TOKEN: TOKEN,
    CACHESCOPE_CACHES: JSON.stringify({ default: { BACKEND: "django.core.cache.backends.dummy.DummyCache" } }),
    CACHESCOPE_AUDIT_LOG: path.join(dir, "audit.log"),
    CACHESCOPE_DJANGO_SECRET: SECRET,
    CACHESCOPE_TOKEN_LOGIN: "0",
  });
});
afterEach(() => {
  process.env = { ...saved };
  holder.__cachescope = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function assertion(over: Record<string, unknown> = {}): string {
  const now = nowSeconds();
  const body = {
    aud: `${ORIGIN}/`,
    uid: "12",
    username: "olga",
    role: "viewer",
    iat: now,
    exp: now + 30,
    nonce: randomBytes(18).toString("base64url"),
    ...over,
  };
  const text = Buffer.from(JSON.stringify(body)).toString("base64url");
  return `${text}.${signAssertionPayload(SECRET, text)}`;
}

// With the Host header a browser sends: NextRequest's own URL says "localhost" for 127.0.0.1.
const signIn = (a: string, next = "") =>
  GET(new NextRequest(`${ORIGIN}/api/login/django?assertion=${encodeURIComponent(a)}${next}`, { headers: { host: "127.0.0.1:3000" } }));

describe("GET /api/login/django", () => {
  it("opens a session for the person: the API sees their role, the audit log their name", async () => {
    const res = await signIn(assertion(), "&next=%2Fcaches%2Fdefault");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/caches/default");
    const cookie = res.headers.get("set-cookie")?.match(/cachescope_session=([^;]*)/)?.[1];
    expect(cookie?.split(".")).toHaveLength(5);
    const list = await caches(new NextRequest(`${ORIGIN}/api/caches`, { headers: { cookie: `cachescope_session=${cookie}` } }), {
      params: Promise.resolve({}),
    });
    expect(await list.json()).toMatchObject({ role: "viewer" });
    const records = await audit(
      new NextRequest(`${ORIGIN}/api/audit?person=olga&records=1`, { headers: { authorization: `Bearer ${TOKEN}` } }),
      { params: Promise.resolve({}) },
    );
    expect(await records.json()).toMatchObject({
      entries: [{ action: "login", actor: "olga", person: { username: "olga", userId: "12" }, outcome: "signed in" }],
    });
  });

  it("refuses a replay, a tampered or foreign assertion with the reason, and records it without the assertion", async () => {
    const a = assertion();
    expect((await signIn(a)).headers.get("location")).toBe("/");
    const replay = await signIn(a);
    expect(replay.headers.get("location")).toBe("/login?error=django-replayed");
    expect(replay.headers.get("set-cookie")).toBeNull();
    const [payload, mac] = assertion().split(".");
    expect((await signIn(`${payload}x.${mac}`)).headers.get("location")).toBe("/login?error=django-signature");
    expect((await signIn(assertion({ aud: "http://localhost:3000/" }))).headers.get("location")).toBe("/login?error=django-audience");
    expect((await signIn(assertion({ iat: nowSeconds() - 120, exp: nowSeconds() - 90 }))).headers.get("location")).toBe(
      "/login?error=django-expired",
    );
    const log = readFileSync(path.join(dir, "audit.log"), "utf8");
    expect(log).toContain("refused: this sign-in assertion was already used");
    expect(log).not.toContain(a.split(".")[0]);
    expect(log).not.toContain(payload);
  });

  it("with CACHESCOPE_TOKEN_LOGIN=0 refuses token logins for people, not bearer tokens", async () => {
    const post = await tokenPost(new NextRequest(`${ORIGIN}/api/login`, { method: "POST", body: JSON.stringify({ token: TOKEN }) }));
    expect(post.status).toBe(403);
    expect(await post.json()).toMatchObject({ error: { code: "token_login_off" } });
    expect((await tokenGet(new NextRequest(`${ORIGIN}/api/login?token=${TOKEN}`))).headers.get("location")).toBe("/login?error=token-off");
    const list = await caches(new NextRequest(`${ORIGIN}/api/caches`, { headers: { authorization: `Bearer ${TOKEN}` } }), {
      params: Promise.resolve({}),
    });
    expect(list.status).toBe(200);
  });
});
