import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { newSessionValue, sessionKey } from "@/lib/auth/session";
import { jobs } from "@/lib/jobs/registry";
import { GET as oneCache } from "./caches/[alias]/route";
import { GET as caches } from "./caches/route";
import { POST as analyse } from "./caches/[alias]/analysis/route";
import { DELETE as deleteEntry, GET as readEntry } from "./caches/[alias]/entry/route";
import { POST as invalidate } from "./caches/[alias]/invalidate/route";
import { GET as listKeys } from "./caches/[alias]/keys/route";
import { DELETE as cancelJob } from "./jobs/[id]/route";

/** Roles and forwarded headers through the real route handlers, on a real (empty) FileBasedCache directory. */

const holder = globalThis as unknown as { __cachescope?: unknown };
const TOKEN = "roles-test-admin-token";
const VIEWER = "roles-test-viewer-token";
const ORIGIN = "http://127.0.0.1:3000";
const saved = { ...process.env };
const dir = mkdtempSync(path.join(tmpdir(), "cachescope-roles-"));

function useEnv(extra: Record<string, string> = {}) {
  holder.__cachescope = undefined;
  Object.assign(process.env, {
    CACHESCOPE_TOKEN: TOKEN,
    CACHESCOPE_VIEWER_TOKEN: VIEWER,
    CACHESCOPE_CACHES: JSON.stringify({ default: { BACKEND: "django.core.cache.backends.filebased.FileBasedCache", LOCATION: dir } }),
    CACHESCOPE_AUDIT_LOG: path.join(dir, "audit.log"),
    ...extra,
  });
}

beforeEach(() => useEnv());
afterEach(() => {
  process.env = { ...saved };
  holder.__cachescope = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Handler<P> = (req: NextRequest, segment: { params: Promise<P> }) => Promise<Response>;

async function call<P>(
  handler: Handler<P>,
  params: P,
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string> },
) {
  const res = await handler(new NextRequest(`${ORIGIN}${url}`, init), { params: Promise.resolve(params) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } & Record<string, unknown> };
}

const alias = { alias: "default" };

function asViewer(via: "bearer" | "cookie"): Record<string, string> {
  if (via === "bearer") return { authorization: `Bearer ${VIEWER}` };
  // A browser sends Host and Origin with a cookie mutation.
  return {
    cookie: `cachescope_session=${newSessionValue(sessionKey(TOKEN, VIEWER), "viewer").value}`,
    origin: ORIGIN,
    host: "127.0.0.1:3000",
  };
}

describe.each(["bearer", "cookie"] as const)("a viewer (%s)", (via) => {
  it("reads: caches, one cache (readOnly for the pages, role viewer), keys, an entry", async () => {
    const headers = asViewer(via);
    expect(await call(caches, {}, "/api/caches", { headers })).toMatchObject({ status: 200, body: { role: "viewer", readOnly: false } });
    expect(await call(oneCache, alias, "/api/caches/default", { headers })).toMatchObject({
      status: 200,
      body: { role: "viewer", readOnly: true },
    });
    expect((await call(listKeys, alias, "/api/caches/default/keys", { headers })).status).toBe(200);
    expect((await call(readEntry, alias, "/api/caches/default/entry?key=nothing", { headers })).status).toBe(404);
  });

  it("starts an analysis (a POST that only reads)", async () => {
    const started = await call(analyse, alias, "/api/caches/default/analysis", { method: "POST", body: "{}", headers: asViewer(via) });
    expect(started.status).toBe(202);
    // One analysis per cache at a time: let this one end before the next viewer starts theirs.
    const id = (started.body.job as { id: string }).id;
    await expect.poll(() => jobs().get(id)?.state).not.toBe("running");
  });

  it("is refused every change with 403 and a clear message", async () => {
    const headers = asViewer(via);
    const refused = [
      await call(deleteEntry, alias, "/api/caches/default/entry?key=k", { method: "DELETE", headers }),
      await call(invalidate, alias, "/api/caches/default/invalidate", {
        method: "POST",
        body: JSON.stringify({ target: { keys: ["k"] } }),
        headers,
      }),
      await call(cancelJob, { id: "nope" }, "/api/jobs/nope", { method: "DELETE", headers }),
    ];
    for (const r of refused) {
      expect(r.status).toBe(403);
      expect(r.body.error).toMatchObject({ code: "viewer", message: expect.stringMatching(/change nothing/) });
    }
  });
});

describe("an admin", () => {
  it("gets past the same checks (the handlers then answer on their own)", async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    expect(await call(oneCache, alias, "/api/caches/default", { headers })).toMatchObject({
      status: 200,
      body: { role: "admin", readOnly: false },
    });
    expect((await call(deleteEntry, alias, "/api/caches/default/entry?key=k", { method: "DELETE", headers })).status).toBe(200);
    expect((await call(cancelJob, { id: "nope" }, "/api/jobs/nope", { method: "DELETE", headers })).status).toBe(404);
  });

  it("refuses a JSON body over 64 KiB with 413 on a route using jsonBody", async () => {
    const body = JSON.stringify({ target: { keys: Array.from({ length: 10_000 }, (_, i) => `key-${i}`) } });
    const r = await call(invalidate, alias, "/api/caches/default/invalidate", {
      method: "POST",
      body,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(r).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
  });
});

describe("forwarded headers", () => {
  const cookie = () => `cachescope_session=${newSessionValue(sessionKey(TOKEN, VIEWER), "admin").value}`;
  const proxied = { "x-forwarded-host": "console.example", "x-forwarded-proto": "https", host: "127.0.0.1:3000" };

  it("are ignored for the same-origin check without CACHESCOPE_TRUST_PROXY", async () => {
    const headers = { ...proxied, cookie: cookie() };
    const claimed = await call(cancelJob, { id: "nope" }, "/api/jobs/nope", {
      method: "DELETE",
      headers: { ...headers, origin: "https://console.example" },
    });
    expect(claimed).toMatchObject({ status: 403, body: { error: { code: "cross_origin" } } });
    expect(
      (await call(cancelJob, { id: "nope" }, "/api/jobs/nope", { method: "DELETE", headers: { ...headers, origin: ORIGIN } })).status,
    ).toBe(404);
  });

  it("count with CACHESCOPE_TRUST_PROXY=1", async () => {
    useEnv({ CACHESCOPE_TRUST_PROXY: "1" });
    const headers = { ...proxied, cookie: cookie() };
    expect(
      (
        await call(cancelJob, { id: "nope" }, "/api/jobs/nope", {
          method: "DELETE",
          headers: { ...headers, origin: "https://console.example" },
        })
      ).status,
    ).toBe(404);
    expect(
      (await call(cancelJob, { id: "nope" }, "/api/jobs/nope", { method: "DELETE", headers: { ...headers, origin: ORIGIN } })).status,
    ).toBe(403);
  });
});
