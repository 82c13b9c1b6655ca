import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, request as httpRequest, test, type APIRequestContext, type Page } from "@playwright/test";
import { ROOT, TOKEN, readManifest } from "./env";

/**
 * Hardening (#10) on the production build. Headers and CSP on the suite's app; everything that needs its own
 * settings or would disturb other specs (the backoff counts 127.0.0.1; short sessions; a viewer) on an app of
 * its own, started here from the same build: `next start` on SELF_PORT, its process measured directly.
 */

const SELF_PORT = 3109;
const SHORT_PORT = 3110;
const SELF_URL = `http://127.0.0.1:${SELF_PORT}`;
const VIEWER = "e2e-viewer-token-0123456789";
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

interface App {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startApp(port: number, env: Record<string, string>, command: string[] = [NEXT_BIN, "start", "-p", String(port)]): App {
  const [bin, ...args] = command[0] === NEXT_BIN ? [process.execPath, ...command] : command;
  const child = spawn(bin!, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += String(d)));
  child.stderr?.on("data", (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitHealthy(url: string, app: App): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`the app exited: ${app.output()}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the app did not answer in 60 s: ${app.output()}`);
}

/** Resident memory now (VmRSS) or at its peak so far (VmHWM), in KiB. */
function rssKiB(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  return Number(readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`${field}:\\s+(\\d+)`))?.[1]);
}

function sessionCookie(setCookie: string | undefined): string {
  const value = setCookie?.match(/cachescope_session=([^;]*)/)?.[1];
  if (!value) throw new Error(`no session cookie in ${setCookie}`);
  return `cachescope_session=${value}`;
}

test.describe("headers and CSP on the suite's app", () => {
  test("a page and an API answer carry the security headers", async ({ request }) => {
    const page = await request.get("/login");
    const csp = page.headers()["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    const again = (await request.get("/login")).headers()["content-security-policy"];
    expect(again).not.toBe(csp);
    const api = await request.get("/api/caches", { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    for (const res of [page, api, await request.get("/api/health")]) {
      expect(res.headers()["x-content-type-options"]).toBe("nosniff");
      expect(res.headers()["referrer-policy"]).toBe("no-referrer");
    }
  });

  test("every page works under the CSP: no violation, styles and charts applied", async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to (load|execute|apply)/i.test(m.text())) violations.push(m.text());
    });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        (window as unknown as { __csp: string[] }).__csp ??= [];
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const entry = readManifest().entries.find((e) => e.alias === "default" && e.kind === "key");
    await page.goto(`/api/login?token=${TOKEN}&next=/`);
    await expect(page.getByTestId("cache-row-default")).toBeVisible();
    // Tailwind's stylesheet applies: the header is slate-900, not transparent.
    expect(await page.locator("header").evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe("rgba(0, 0, 0, 0)");
    const pages = [
      "/caches/default",
      "/caches/default/stats",
      "/caches/default/sizes",
      "/caches/default/invalidate",
      "/audit",
      "/login",
      "/no-such-page",
    ];
    if (entry) pages.push(`/caches/default/entry?raw=${encodeURIComponent(entry.raw)}`);
    for (const url of pages) {
      await page.goto(url);
      await expect(page.locator("main")).not.toBeEmpty();
      if (url.endsWith("/stats")) await expect(page.locator(".uplot canvas").first()).toBeVisible();
      const caught = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
      expect([url, ...caught]).toEqual([url]);
    }
    expect(violations).toEqual([]);
  });

  test("login redirects stay on this site", async ({ request }) => {
    const variants: [string, string][] = [
      ["/caches/default?prefix=a", "/caches/default?prefix=a"],
      ["/%5Cevil.example/phish", "/"],
      ["/%09/evil.example", "/"],
      ["//evil.example", "/"],
      ["/\\evil.example", "/"],
      ["https://evil.example", "/"],
      ["javascript:alert(1)", "/"],
    ];
    for (const [next, expected] of variants) {
      // Written into the URL as an attacker would (only what HTTP itself cannot carry encoded).
      const raw = next.replace(/\\/g, "%5C").replace(/ /g, "%20");
      const res = await request.get(`/api/login?token=${TOKEN}&next=${raw}`, { maxRedirects: 0 });
      expect([next, res.status(), res.headers()["location"]]).toEqual([next, 303, expected]);
    }
  });
});

test.describe("an app of its own", () => {
  test.describe.configure({ mode: "serial" });
  let app: App;
  let dataDir: string;
  let api: APIRequestContext;

  test.beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "cachescope-e2e-security-"));
    app = startApp(SELF_PORT, {
      CACHESCOPE_TOKEN: TOKEN,
      CACHESCOPE_VIEWER_TOKEN: VIEWER,
      CACHESCOPE_DATA_DIR: dataDir,
      CACHESCOPE_SESSION_HOURS: String(6 / 3600),
    });
    await waitHealthy(SELF_URL, app);
    api = await httpRequest.newContext({ baseURL: SELF_URL });
  });

  test.afterAll(async () => {
    await api?.dispose();
    app?.child.kill("SIGTERM");
    await app?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("a 10 MB body to /api/login answers 413 and the server's memory stays flat", async () => {
    const pid = app.child.pid!;
    const body = Buffer.alloc(10 * 1024 * 1024, 0x61);
    const refuse = async () => {
      const res = await fetch(`${SELF_URL}/api/login`, { method: "POST", body, headers: { "content-type": "application/json" } });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
    };
    // A first batch warms the 413 path up (code loaded, heap sized: ~30 MB once); the second is what is measured.
    const idle = rssKiB(pid);
    for (let i = 0; i < 5; i++) await refuse();
    const before = rssKiB(pid);
    const peakBefore = rssKiB(pid, "VmHWM");
    for (let i = 0; i < 20; i++) await refuse();
    // One 200 MB body: read whole, it alone would lift the peak by 200 MB.
    const huge = await fetch(`${SELF_URL}/api/login`, { method: "POST", body: Buffer.alloc(200 * 1024 * 1024, 0x61) });
    expect(huge.status).toBe(413);
    // Chunked, no Content-Length: refused once the stream passes 64 KiB.
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 10 * 1024 * 1024) return c.close();
        sent += chunk.byteLength;
        c.enqueue(chunk);
      },
    });
    const chunked = await fetch(`${SELF_URL}/api/login`, { method: "POST", body: stream, duplex: "half" } as RequestInit).catch(
      (e: Error) => e,
    );
    if (!(chunked instanceof Error)) expect(chunked.status).toBe(413);
    const after = rssKiB(pid);
    const peak = rssKiB(pid, "VmHWM");
    console.log(
      `RSS idle ${idle} KiB, after 5 × 10 MB ${before} KiB, after 20 × 10 MB + 200 MB + 10 MB chunked: ${after} KiB, peak ${peakBefore} -> ${peak} KiB; the chunked stream got ${sent} bytes out`,
    );
    expect(after - before).toBeLessThan(48 * 1024);
    expect(peak - peakBefore).toBeLessThan(64 * 1024);
    expect((await fetch(`${SELF_URL}/api/health`)).ok).toBe(true);
  });

  test("wrong tokens back off per client: 429 with Retry-After; X-Forwarded-For cannot pose as another client", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await api.post("/api/login", {
        data: { token: "wrong-token-000000000" },
        headers: { "x-forwarded-for": `198.51.100.${i}` },
      });
      statuses.push(res.status());
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    const blocked = await api.post("/api/login", { data: { token: TOKEN } });
    expect(blocked.status()).toBe(429);
    const wait = Number(blocked.headers()["retry-after"]);
    expect(wait).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, wait * 1000 + 200));
    expect((await api.post("/api/login", { data: { token: TOKEN } })).status()).toBe(200);
  });

  test("forwarded headers are ignored without CACHESCOPE_TRUST_PROXY: no Secure cookie, no other origin", async () => {
    const spoof = { "x-forwarded-proto": "https", "x-forwarded-host": "evil.example" };
    const res = await api.post("/api/login", { data: { token: TOKEN }, headers: spoof });
    expect(res.headers()["set-cookie"]).not.toMatch(/Secure/i);
    const cookie = sessionCookie(res.headers()["set-cookie"]);
    const claimed = await api.delete("/api/jobs/nope", { headers: { ...spoof, cookie, origin: "https://evil.example" } });
    expect(claimed.status()).toBe(403);
    expect(await claimed.json()).toMatchObject({ error: { code: "cross_origin" } });
    expect((await api.delete("/api/jobs/nope", { headers: { ...spoof, cookie, origin: SELF_URL } })).status()).toBe(404);
  });

  test("a session expires after its lifetime, and logout revokes it at once", async () => {
    const first = sessionCookie((await api.post("/api/login", { data: { token: TOKEN } })).headers()["set-cookie"]);
    expect((await api.get("/api/caches", { headers: { cookie: first } })).status()).toBe(200);
    await new Promise((r) => setTimeout(r, 7000));
    const expired = await api.get("/api/caches", { headers: { cookie: first } });
    expect(expired.status()).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { message: expect.stringMatching(/expired/) } });

    const second = sessionCookie((await api.post("/api/login", { data: { token: TOKEN } })).headers()["set-cookie"]);
    expect((await api.get("/api/caches", { headers: { cookie: second } })).status()).toBe(200);
    const out = await api.post("/api/logout", { headers: { cookie: second } });
    expect(out.headers()["set-cookie"]).toMatch(/cachescope_session=;.*Max-Age=0/i);
    expect((await api.get("/api/caches", { headers: { cookie: second } })).status()).toBe(401);
  });

  test("a viewer reads and changes nothing; the pages hide the change buttons", async ({ browser }) => {
    const viewer = { Authorization: `Bearer ${VIEWER}` };
    expect(await (await api.get("/api/caches/default", { headers: viewer })).json()).toMatchObject({ role: "viewer", readOnly: true });
    const keys = (await (await api.get("/api/caches/default/keys", { headers: viewer })).json()) as { keys: { file?: string }[] };
    expect(keys.keys.length).toBeGreaterThan(0);
    const file = keys.keys[0]!.file!;
    const del = await api.delete(`/api/caches/default/entry?file=${file}`, { headers: viewer });
    expect(del.status()).toBe(403);
    expect(await del.json()).toMatchObject({ error: { code: "viewer" } });
    expect((await api.get(`/api/caches/default/entry?file=${file}`, { headers: viewer })).status()).toBe(200);

    const pageAs = async (token: string): Promise<Page> => {
      const context = await browser.newContext({ baseURL: SELF_URL });
      const page = await context.newPage();
      // The session lasts 6 s here: go straight to the page.
      await page.goto(`/api/login?token=${token}&next=/caches/default`);
      await expect(page.getByTestId("key-count")).toBeVisible();
      return page;
    };
    const asViewer = await pageAs(VIEWER);
    await expect(asViewer.getByRole("columnheader", { name: "Actions" })).toHaveCount(0);
    await expect(asViewer.getByRole("button", { name: /^Delete / })).toHaveCount(0);
    await expect(asViewer.getByTestId("session-role")).toHaveText("viewer");
    await asViewer.context().close();
    const asAdmin = await pageAs(TOKEN);
    await expect(asAdmin.getByRole("button", { name: /^Delete / }).first()).toBeVisible();
    await expect(asAdmin.getByTestId("session-role")).toHaveText("admin");
    // The header's Log out ends the session on the server: the cookie it had is refused afterwards.
    const cookie = (await asAdmin.context().cookies()).find((c) => c.name === "cachescope_session");
    expect(cookie).toBeDefined();
    await asAdmin.getByRole("button", { name: "Log out" }).click();
    await expect(asAdmin).toHaveURL(/\/login/);
    expect((await api.get("/api/caches", { headers: { cookie: `cachescope_session=${cookie!.value}` } })).status()).toBe(401);
    await asAdmin.context().close();
  });
});

test("a token shorter than 16 characters refuses to start, saying why", async () => {
  const app = startApp(SHORT_PORT, { CACHESCOPE_TOKEN: "short-token" }, ["bash", path.join(ROOT, "scripts", "start.sh")]);
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000));
  const code = await Promise.race([app.exited, timeout]);
  if (code === "timeout") app.child.kill("SIGTERM");
  expect(code).not.toBe("timeout");
  expect(code).not.toBe(0);
  expect(app.output()).toMatch(/cannot start: CACHESCOPE_TOKEN is 11 characters long; it must be at least 16/);
});
