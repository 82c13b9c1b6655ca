import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newSessionValue, sessionKey } from "@/lib/auth/session";
import { GET as caches } from "../caches/route";
import { POST as logout } from "../logout/route";
import { GET, POST } from "./route";

/** The real login, logout and caches handlers with a context built from the environment (a DummyCache only). */

const holder = globalThis as unknown as { __cachescope?: unknown };
const TOKEN = "login-test-token-0123";
const VIEWER = "login-test-viewer-0123";
const saved = { ...process.env };

function useEnv(extra: Record<string, string> = {}) {
  holder.__cachescope = undefined;
  Object.assign(process.env, {
    CACHESCOPE_TOKEN: TOKEN,
    CACHESCOPE_VIEWER_TOKEN: VIEWER,
    CACHESCOPE_CACHES: JSON.stringify({ default: { BACKEND: "django.core.cache.backends.dummy.DummyCache" } }),
    CACHESCOPE_AUDIT_LOG: "/dev/null",
    ...extra,
  });
}

beforeEach(() => useEnv());
afterEach(() => {
  process.env = { ...saved };
  holder.__cachescope = undefined;
});

const CLIENT = { "x-forwarded-for": "192.0.2.10" };

function login(token: string, headers: Record<string, string> = CLIENT) {
  return POST(new NextRequest("http://127.0.0.1:3000/api/login", { method: "POST", body: JSON.stringify({ token }), headers }));
}

function loginUrl(query: string, headers: Record<string, string> = CLIENT) {
  return GET(new NextRequest(`http://127.0.0.1:3000/api/login?${query}`, { headers }));
}

function cookieOf(res: Response): string {
  const value = res.headers.get("set-cookie")?.match(/cachescope_session=([^;]*)/)?.[1];
  if (value === undefined) throw new Error("no session cookie set");
  return value;
}

function listCaches(cookie: string) {
  const req = new NextRequest("http://127.0.0.1:3000/api/caches", { headers: { cookie: `cachescope_session=${cookie}` } });
  return caches(req, { params: Promise.resolve({}) });
}

describe("GET /api/login?next=", () => {
  it("sends a right token to a same-origin next, keeping its query", async () => {
    const res = await loginUrl(`token=${TOKEN}&next=${encodeURIComponent("/caches/default?prefix=a")}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/caches/default?prefix=a");
  });

  it.each([
    "/%5Cevil.example/phish",
    "/%09/evil.example",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example",
  ])("falls back to / for next=%s (raw in the query, as an attacker writes it)", async (next) => {
    // Both as written and percent-encoded once more: each reaches the handler as a different string.
    for (const query of [`next=${next}`, `next=${encodeURIComponent(next)}`]) {
      const res = await loginUrl(`token=${TOKEN}&${query}`);
      expect(res.headers.get("location")).toBe("/");
      const wrong = await loginUrl(`token=nope&${query}`, { "x-forwarded-for": "192.0.2.99" });
      expect(wrong.headers.get("location")).toBe("/login?error=invalid&next=%2F");
    }
  });
});

describe("POST /api/login", () => {
  it("logs in as admin or viewer, with a cookie that lasts the session lifetime", async () => {
    const admin = await login(TOKEN);
    expect(await admin.json()).toEqual({ ok: true, role: "admin" });
    expect(admin.headers.get("set-cookie")).toMatch(/Max-Age=43200.*HttpOnly.*SameSite=lax/i);
    expect(admin.headers.get("set-cookie")).not.toMatch(/Secure/);
    expect(await (await listCaches(cookieOf(admin))).json()).toMatchObject({ role: "admin", readOnly: false });
    const viewer = await login(VIEWER);
    expect(await viewer.json()).toEqual({ ok: true, role: "viewer" });
    expect(await (await listCaches(cookieOf(viewer))).json()).toMatchObject({ role: "viewer" });
  });

  it("backs off after 5 wrong tokens from one client: 429 with Retry-After, others unaffected", async () => {
    for (let i = 0; i < 5; i++) expect((await login("wrong-token-000000000")).status).toBe(401);
    const sixth = await login("wrong-token-000000000");
    expect(sixth.status).toBe(401);
    const blocked = await login(TOKEN);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await blocked.json()).toMatchObject({ error: { code: "too_many_attempts" } });
    // The login URL and bearer tokens share the backoff.
    expect((await loginUrl(`token=${TOKEN}`)).status).toBe(429);
    const bearer = new NextRequest("http://127.0.0.1:3000/api/caches", { headers: { ...CLIENT, authorization: `Bearer ${TOKEN}` } });
    expect((await caches(bearer, { params: Promise.resolve({}) })).status).toBe(429);
    expect((await login(TOKEN, { "x-forwarded-for": "192.0.2.11" })).status).toBe(200);
  });

  it("counts wrong bearer tokens as guesses too", async () => {
    const bearer = (token: string) =>
      caches(new NextRequest("http://127.0.0.1:3000/api/caches", { headers: { ...CLIENT, authorization: `Bearer ${token}` } }), {
        params: Promise.resolve({}),
      });
    for (let i = 0; i < 6; i++) expect((await bearer("wrong-token-000000000")).status).toBe(401);
    expect((await bearer(TOKEN)).status).toBe(429);
  });

  it("refuses a 10 MB body with 413 after reading no more than the limit, memory flat", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 10 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const before = process.memoryUsage().rss;
    const req = new NextRequest(
      new Request("http://127.0.0.1:3000/api/login", { method: "POST", body, duplex: "half", headers: CLIENT } as RequestInit),
    );
    const res = await POST(req);
    const grown = process.memoryUsage().rss - before;
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large", message: expect.stringMatching(/65536 bytes/) } });
    // The stream may read ahead a little; never the whole 10 MB.
    expect(pulled).toBeLessThanOrEqual(256 * 1024);
    console.log(`413 after pulling ${pulled} of 10485760 bytes; RSS grew ${(grown / 1048576).toFixed(1)} MiB`);
    expect(grown).toBeLessThan(32 * 1024 * 1024);
  });

  it("refuses a declared Content-Length over the limit before reading anything", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(16));
        controller.close();
      },
    });
    const req = new NextRequest(
      new Request("http://127.0.0.1:3000/api/login", {
        method: "POST",
        body,
        duplex: "half",
        headers: { ...CLIENT, "content-length": String(10 * 1024 * 1024) },
      } as RequestInit),
    );
    expect((await POST(req)).status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1);
  });
});

describe("sessions", () => {
  it("expire: a cookie issued longer ago than the lifetime is refused", async () => {
    useEnv({ CACHESCOPE_SESSION_HOURS: "1" });
    const key = sessionKey(TOKEN, VIEWER);
    const now = Math.floor(Date.now() / 1000);
    expect((await listCaches(newSessionValue(key, "admin", now - 3540).value)).status).toBe(200);
    const old = await listCaches(newSessionValue(key, "admin", now - 3601).value);
    expect(old.status).toBe(401);
    expect(await old.json()).toMatchObject({ error: { message: expect.stringMatching(/expired/) } });
  });

  it("end at logout: the same cookie is refused afterwards, and the browser is told to drop it", async () => {
    const cookie = cookieOf(await login(TOKEN));
    expect((await listCaches(cookie)).status).toBe(200);
    const out = await logout(
      new NextRequest("http://127.0.0.1:3000/api/logout", { method: "POST", headers: { cookie: `cachescope_session=${cookie}` } }),
    );
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/cachescope_session=;.*Max-Age=0/);
    expect((await listCaches(cookie)).status).toBe(401);
    // Another session of the same person is untouched.
    expect((await listCaches(cookieOf(await login(TOKEN)))).status).toBe(200);
  });

  it("are Secure over https, which only a trusted proxy can say", async () => {
    const https = { ...CLIENT, "x-forwarded-proto": "https", "x-forwarded-host": "console.example" };
    expect((await login(TOKEN, https)).headers.get("set-cookie")).not.toMatch(/Secure/);
    useEnv({ CACHESCOPE_TRUST_PROXY: "1" });
    expect((await login(TOKEN, https)).headers.get("set-cookie")).toMatch(/Secure/);
  });
});
