import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { expect, request as httpRequest, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { CACHES, ROOT, RUN_DIR, TOKEN } from "./env";

/**
 * Sign in with Django (#15) end to end: the e2e Django site with Django's own login pages and the companion's login
 * view (shop/settings_login.py, users made by login_users.py in a sqlite file under .run/), and a console of its
 * own that trusts it, with token logins for people turned off. Both started here, stopped by their pids.
 */

const CONSOLE_PORT = 3113;
const DJANGO_PORT = 3114;
const CONSOLE_URL = `http://127.0.0.1:${CONSOLE_PORT}`;
const DJANGO_URL = `http://127.0.0.1:${DJANGO_PORT}`;
const SECRET = "e2e-django-login-secret-0123456789-abcdef";
const PASSWORD = "e2e-password-0123";
const DB = path.join(RUN_DIR, "e2e-login.sqlite3");
const AUDIT = path.join(RUN_DIR, "e2e-login-audit.log");
const DATA = path.join(RUN_DIR, "e2e-login-data");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const RUN = Date.now().toString(36);
const PREFIX = `djlogin-${RUN}:`;

const DJANGO_ENV = {
  PYTHONPATH: [path.join(ROOT, "integrations", "django"), path.join(ROOT, "e2e", "django")].join(path.delimiter),
  DJANGO_SETTINGS_MODULE: "shop.settings_login",
  CACHESCOPE_E2E_LOGIN_DB: DB,
  CACHESCOPE_E2E_DJANGO_SECRET: SECRET,
  CACHESCOPE_E2E_CONSOLE_URL: CONSOLE_URL,
};

interface Proc {
  child: ChildProcess;
  output: () => string;
}

function start(bin: string, args: string[], env: Record<string, string>): Proc {
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production" as const };
  const child = spawn(bin, args, { cwd: ROOT, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d) => (out += String(d)));
  child.stderr?.on("data", (d) => (out += String(d)));
  return { child, output: () => out };
}

async function waitFor(url: string, proc: Proc): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${url}: the server exited: ${proc.output()}`);
    try {
      await fetch(url, { redirect: "manual" });
      return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer in 60 s: ${proc.output()}`);
}

let consoleApp: Proc;
let django: Proc;
let api: APIRequestContext;
const bearer = { Authorization: `Bearer ${TOKEN}` };

test.beforeAll(async () => {
  rmSync(DB, { force: true });
  rmSync(AUDIT, { force: true });
  mkdirSync(DATA, { recursive: true });
  execFileSync("/usr/bin/python3", [path.join(ROOT, "e2e", "django", "login_users.py")], {
    env: { ...process.env, ...DJANGO_ENV },
    stdio: "inherit",
  });
  django = start("/usr/bin/python3", [path.join(ROOT, "e2e", "django", "serve.py"), "--port", String(DJANGO_PORT)], DJANGO_ENV);
  consoleApp = start(process.execPath, [NEXT_BIN, "start", "-p", String(CONSOLE_PORT)], {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    CACHESCOPE_TOKEN: TOKEN,
    CACHESCOPE_CACHES: JSON.stringify({ default: CACHES.default }),
    CACHESCOPE_AUDIT_LOG: AUDIT,
    CACHESCOPE_DATA_DIR: DATA,
    CACHESCOPE_DJANGO_SECRET: SECRET,
    CACHESCOPE_DJANGO_LOGIN_URL: `${DJANGO_URL}/cachescope/login/`,
    CACHESCOPE_TOKEN_LOGIN: "0",
  });
  await waitFor(`${DJANGO_URL}/accounts/login/`, django);
  await waitFor(`${CONSOLE_URL}/api/health`, consoleApp);
  api = await httpRequest.newContext({ baseURL: CONSOLE_URL });
  // Keys of this run's own for the purge (Django's key format on the default alias: ":1:<key>").
  for (const k of ["a", "b"]) execFileSync("redis-cli", ["-p", "6391", "-n", "0", "SET", `:1:${PREFIX}${k}`, "x"]);
});

test.afterAll(async () => {
  await api?.dispose();
  for (const p of [consoleApp, django]) if (p && p.child.exitCode === null) p.child.kill("SIGTERM");
});

/** Console login page → Sign in with Django → Django's login page → back on the console; the assertion URL it used. */
async function signIn(browser: Browser, username: string): Promise<{ page: Page; assertionUrl: string }> {
  const page = await (await browser.newContext({ baseURL: CONSOLE_URL })).newPage();
  await page.goto("/login");
  await expect(page.getByLabel("Token")).toHaveCount(0);
  await page.getByTestId("django-login").click();
  await expect(page.getByRole("heading", { name: "Shop staff login" })).toBeVisible();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  const assertion = page.waitForRequest((r) => r.url().startsWith(`${CONSOLE_URL}/api/login/django?`));
  await page.getByRole("button", { name: "Log in" }).click();
  const assertionUrl = (await assertion).url();
  await expect(page).toHaveURL(`${CONSOLE_URL}/`);
  await expect(page.getByTestId("session-person")).toHaveText(username);
  return { page, assertionUrl };
}

test("token logins for people are off; the bearer token still works", async () => {
  expect((await api.post("/api/login", { data: { token: TOKEN } })).status()).toBe(403);
  expect((await api.get("/api/caches", { headers: bearer })).status()).toBe(200);
});

test("a staff user with invalidate signs in on Django, purges, and the audit log names them", async ({ browser }) => {
  const { page, assertionUrl } = await signIn(browser, "olga");
  await expect(page.getByTestId("session-role")).toHaveText("admin");

  await page.goto("/caches/default/invalidate");
  await page.getByLabel("Django key prefix").fill(PREFIX);
  await page.getByRole("button", { name: "Dry run" }).click();
  await expect(page.getByTestId("dry-matched")).toHaveText("2");
  await page.getByRole("button", { name: /^Delete \d+/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Confirmation text").fill("default");
  await dialog.getByRole("button", { name: "Delete" }).click();
  const job = page.getByTestId("job").first();
  await expect(job).toHaveAttribute("data-state", "done");
  await expect(job.getByTestId("job-by")).toContainText("by olga");

  await page.goto("/audit?person=olga&action=purge");
  const row = page.getByTestId("audit-table").locator("tbody tr").first();
  await expect(row.getByTestId("audit-actor")).toHaveText("olga");
  await expect(row).toContainText("done");
  const audit = (await (await api.get("/api/audit?person=olga&action=purge", { headers: bearer })).json()) as {
    entries: Record<string, unknown>[];
  };
  expect(audit.entries[0]).toMatchObject({ actor: "olga", role: "admin", person: { username: "olga" }, deleted: 2 });
  expect(
    ((await (await api.get("/api/audit?person=vera&action=purge", { headers: bearer })).json()) as { entries: unknown[] }).entries,
  ).toHaveLength(0);

  // The same assertion again, and one altered: refused with a page that says why, and recorded without the assertion.
  const replay = await page.context().browser()!.newContext({ baseURL: CONSOLE_URL });
  const again = await replay.newPage();
  await again.goto(assertionUrl);
  await expect(again).toHaveURL(/\/login\?error=django-replayed/);
  await expect(again.getByTestId("login-error")).toContainText("already used");
  const url = new URL(assertionUrl);
  const [payload, mac] = url.searchParams.get("assertion")!.split(".");
  const body = JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>;
  url.searchParams.set("assertion", `${Buffer.from(JSON.stringify({ ...body, username: "mallory" })).toString("base64url")}.${mac}`);
  await again.goto(url.toString());
  await expect(again).toHaveURL(/\/login\?error=django-signature/);
  await expect(again.getByTestId("login-error")).toContainText("could not be verified");
  await expect(again.getByTestId("session-person")).toHaveCount(0);
  await replay.close();
  const logins = await (await api.get("/api/audit?action=login&records=1", { headers: bearer })).text();
  expect(logins).toContain("refused: this sign-in assertion was already used");
  expect(logins).toContain("refused: the sign-in assertion's signature is not valid");
  expect(logins).not.toContain(payload!);
  await page.context().close();
});

test("a view-only user sees no change buttons and the API refuses their purge", async ({ browser }) => {
  const { page } = await signIn(browser, "vera");
  await expect(page.getByTestId("session-role")).toHaveText("viewer");
  await page.goto("/caches/default/invalidate");
  await expect(page.getByRole("button", { name: "Dry run" })).toHaveCount(0);
  const res = await page.request.post("/api/caches/default/invalidate", {
    headers: { Origin: CONSOLE_URL },
    data: { target: { prefix: PREFIX }, dryRun: false },
  });
  expect(res.status()).toBe(403);
  expect(await res.json()).toMatchObject({ error: { code: "viewer" } });
  await page.context().close();
});

test("a staff user without a Cachescope permission is refused by Django with a plain message", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${DJANGO_URL}/cachescope/login/`);
  await page.getByLabel("Username").fill("pete");
  await page.getByLabel("Password").fill(PASSWORD);
  const refused = page.waitForResponse((r) => r.url() === `${DJANGO_URL}/cachescope/login/`);
  await page.getByRole("button", { name: "Log in" }).click();
  expect((await refused).status()).toBe(403);
  await expect(page.locator("body")).toContainText("may not use the cache console");
  await page.context().close();
});
