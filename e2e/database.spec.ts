import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { startPostgres, type DatabaseServer } from "../test/databases";
import { ROOT, RUN_DIR, TOKEN } from "./env";

/**
 * DatabaseCache (#13) in the browser: a PostgreSQL 15 of our own (port 5444) whose cache table a real Django 3.2 made
 * and filled (test/django-database/djdb.py), and a console of its own on 3122 with that table and a missing one.
 * Both started here, stopped by their pids.
 */

const CONSOLE_PORT = 3122;
const CONSOLE_URL = `http://127.0.0.1:${CONSOLE_PORT}`;
const TABLE = "e2e_cache";
const AUDIT = path.join(RUN_DIR, "e2e-database-audit.log");
const DATA = path.join(RUN_DIR, "e2e-database-data");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const DJDB = path.join(ROOT, "test", "django-database", "djdb.py");

let pg: DatabaseServer;
let app: ChildProcess;
let output = "";

function djdb(command: string): void {
  execFileSync("/usr/bin/python3", [DJDB, command, JSON.stringify(pg.entry), TABLE, "{}"], { stdio: ["ignore", "ignore", "inherit"] });
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  rmSync(AUDIT, { force: true });
  mkdirSync(DATA, { recursive: true });
  pg = await startPostgres(5444);
  djdb("createtable");
  djdb("write");
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    CACHESCOPE_TOKEN: TOKEN,
    CACHESCOPE_CACHES: JSON.stringify({
      pgcache: { BACKEND: "django.core.cache.backends.db.DatabaseCache", LOCATION: TABLE, OPTIONS: { MAX_ENTRIES: 10 } },
      notable: { BACKEND: "django.core.cache.backends.db.DatabaseCache", LOCATION: "no_such_table" },
    }),
    CACHESCOPE_DATABASES: JSON.stringify({ default: { ...pg.entry, PASSWORD: "e2e-db-Secret-42" } }),
    CACHESCOPE_AUDIT_LOG: AUDIT,
    CACHESCOPE_DATA_DIR: DATA,
  };
  app = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(CONSOLE_PORT)], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  app.stdout?.on("data", (d) => (output += String(d)));
  app.stderr?.on("data", (d) => (output += String(d)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (app.exitCode !== null) throw new Error(`the console exited: ${output}`);
    if (
      await fetch(`${CONSOLE_URL}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`the console did not answer: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

test.afterAll(async () => {
  if (app && app.exitCode === null) app.kill("SIGTERM");
  await pg?.stop();
});

async function login(page: Page, next: string) {
  await page.goto(`${CONSOLE_URL}/api/login?token=${TOKEN}&next=${encodeURIComponent(next)}`);
}

test("the home page shows the table up, and a missing table as this alias's own error", async ({ page }) => {
  await login(page, "/");
  await expect(page.getByTestId("cache-row-pgcache")).toContainText(/up · [\d.]+ ms/);
  await expect(page.getByTestId("cache-row-notable")).toContainText("createcachetable");
  await expect(page.locator("body")).not.toContainText("e2e-db-Secret-42");
});

test("browses Django's rows with their kinds, filters a LIKE-looking prefix literally, and opens a decoded entry", async ({ page }) => {
  await login(page, "/caches/pgcache");
  const table = page.getByTestId("key-table");
  await expect(table.getByRole("row").filter({ hasText: "template.cache.sidebar" })).toContainText("fragment");
  await expect(table.getByRole("row").filter({ hasText: "django.contrib.sessions.cache" })).toContainText("session");

  await page.getByLabel("Key prefix").fill("like_");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("key-count")).toContainText("1 keys shown");
  expect(await table.locator("tbody tr td:first-child a").allTextContents()).toEqual(["like_one"]);

  await page.goto(`${CONSOLE_URL}/caches/pgcache/entry?raw=${encodeURIComponent(":1:greeting")}`);
  await expect(page.getByTestId("entry-name")).toHaveText("greeting");
  await expect(page.getByTestId("entry-value")).toContainText("hello world");
  await expect(page.getByTestId("entry-encoding")).toContainText("pickle protocol");
});

test("health shows rows against MAX_ENTRIES and the expired row; Stats says the companion supplies hit ratios", async ({ page }) => {
  await login(page, "/caches/pgcache");
  const health = page.getByTestId("health-panel");
  await expect(health).toContainText("MAX_ENTRIES");
  await expect(health).toContainText("Expired rows not yet culled");
  await expect(health).toContainText("over MAX_ENTRIES 10");
  await page.goto(`${CONSOLE_URL}/caches/pgcache/stats`);
  await expect(page.getByText("This cache's server keeps no counters to chart")).toBeVisible();
  await expect(page.locator("main")).toContainText("Django companion");
});

test("a prefix purge: dry run counts exactly, the job deletes exactly those rows", async ({ page }) => {
  await login(page, "/caches/pgcache/invalidate");
  await page.getByLabel("Django key prefix").fill("like");
  await page.getByRole("button", { name: "Dry run" }).click();
  await expect(page.getByTestId("dry-matched")).toHaveText("4");
  await page.getByRole("button", { name: /^Delete \d+/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Confirmation text").fill("pgcache");
  await dialog.getByRole("button", { name: "Delete" }).click();
  const job = page.getByTestId("job").first();
  await expect(job).toHaveAttribute("data-state", "done");
  await page.goto(`${CONSOLE_URL}/caches/pgcache?prefix=like`);
  await expect(page.getByTestId("key-count")).toContainText("0 keys shown");
  await page.goto(`${CONSOLE_URL}/caches/pgcache?prefix=greeting`);
  await expect(page.getByTestId("key-count")).toContainText("1 keys shown");
});
