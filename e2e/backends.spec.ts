import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { MANIFEST, ROOT, TOKEN, djangoMisses, readManifest, type ManifestEntry } from "./env";

/**
 * The same console on memcached (PyMemcacheCache) and FileBasedCache data written by the real Django site: browse,
 * open, and purge in the browser, then ask Django what it now misses.
 */

test.describe.configure({ mode: "serial" });

// These tests delete what Django wrote: write it again afterwards for the specs that follow.
test.afterAll(() => {
  execFileSync("/usr/bin/python3", [path.join(ROOT, "e2e", "django", "write_cache.py"), "--manifest", MANIFEST], {
    stdio: "inherit",
    cwd: ROOT,
  });
});

async function login(page: Page, next: string) {
  await page.goto(`/api/login?token=${TOKEN}&next=${encodeURIComponent(next)}`);
}

function of(alias: string): ManifestEntry[] {
  return readManifest().entries.filter((e) => e.alias === alias);
}

/** Dry run on the invalidate page, check the count, confirm by typing the alias, wait for the job. */
async function purge(page: Page, alias: string, expected: number) {
  await page.getByRole("button", { name: "Dry run" }).click();
  await expect(page.getByTestId("dry-matched")).toHaveText(String(expected));
  await page.getByRole("button", { name: /^Delete \d+/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Confirmation text").fill(alias);
  await dialog.getByRole("button", { name: "Delete" }).click();
  const job = page.getByTestId("job").first();
  await expect(job).toHaveAttribute("data-state", "done");
  await expect(job.getByTestId("job-deleted")).toHaveText(`deleted ${expected}`);
}

test("memcached: every key Django wrote is listed with its Django name, and an entry decodes from its flags", async ({ page }) => {
  const entries = of("pages_mc");
  await login(page, "/caches/pages_mc");
  await expect(page.getByTestId("key-count")).toContainText(`${entries.length} keys shown`);
  const names = (await page.getByTestId("key-table").locator("tbody tr td:first-child a").allTextContents()).sort();
  expect(names).toEqual(entries.map((e) => e.key).sort());

  const profile = entries.find((e) => e.key === "user:7:profile")!;
  await page.goto(`/caches/pages_mc/entry?raw=${encodeURIComponent(profile.raw)}`);
  await expect(page.getByTestId("entry-encoding")).toContainText("flags 1");
  await expect(page.getByTestId("entry-value")).toContainText("'Bob'");
  await expect(page.getByTestId("entry-value")).toContainText("date(2022-01-03)");
  const counter = entries.find((e) => e.key === "counter:mc")!;
  await page.goto(`/caches/pages_mc/entry?raw=${encodeURIComponent(counter.raw)}`);
  await expect(page.getByTestId("entry-value")).toHaveText(counter.display!);
});

test("memcached: a prefix purge in the browser deletes exactly that series, by Django's account", async ({ page }) => {
  const chunks = of("pages_mc")
    .filter((e) => e.key.startsWith("report:chunk:"))
    .map((e) => e.key);
  const others = of("pages_mc")
    .filter((e) => !e.key.startsWith("report:chunk:"))
    .map((e) => e.key);
  expect(chunks.length).toBe(3);
  expect(djangoMisses({ alias: "pages_mc", keys: [...chunks, ...others] })).toEqual([]);
  await login(page, "/caches/pages_mc/invalidate");
  await page.getByLabel("Django key prefix").fill("report:chunk:");
  await purge(page, "pages_mc", chunks.length);
  expect(djangoMisses({ alias: "pages_mc", keys: [...chunks, ...others] })).toEqual(chunks);

  // The audit log recorded it; filtered to this cache and action, the view is a shareable URL.
  await page.goto("/audit");
  await page.getByLabel("Cache").selectOption("pages_mc");
  await page.getByLabel("Action").selectOption("purge");
  await expect(page).toHaveURL(/alias=pages_mc/);
  await expect(page).toHaveURL(/action=purge/);
  const rows = page.getByTestId("audit-table").locator("tbody tr");
  await expect(rows.filter({ hasText: "report:chunk:" }).filter({ hasText: "done" }).first()).toBeVisible();
  await expect(rows.filter({ hasNotText: "pages_mc" })).toHaveCount(0);
});

test("FileBasedCache: files are listed, an exact Django key opens its entry, health shows the cap", async ({ page }) => {
  const entries = of("files");
  await login(page, "/caches/files");
  await expect(page.getByTestId("key-count")).toContainText(`${entries.length} keys shown`);
  await expect(page.getByTestId("health-panel")).toContainText(`${entries.length} / 300`);
  await expect(page.getByTestId("key-table").getByText("expired", { exact: true })).toHaveCount(1);

  await page.getByLabel("Django key").fill("user:42:profile");
  await page.getByRole("button", { name: "Open" }).click();
  await expect(page).toHaveURL(/\/caches\/files\/entry\?key=user%3A42%3Aprofile/);
  await expect(page.getByTestId("entry-value")).toContainText("'Alice Müller'");
  await expect(page.getByTestId("entry-value")).toContainText("Decimal('98.50')");
});

test("FileBasedCache: purging expired entries deletes the expired file only", async ({ page }) => {
  const entries = of("files");
  const live = entries.filter((e) => !e.expired).map((e) => e.key);
  expect(live.length).toBe(entries.length - 1);
  await login(page, "/caches/files/invalidate?action=expired");
  await expect(page.getByRole("tab", { name: "Expired entries" })).toHaveAttribute("aria-selected", "true");
  await purge(page, "files", 1);
  await page.goto("/caches/files");
  await expect(page.getByTestId("key-count")).toContainText(`${live.length} keys shown`);
  expect(djangoMisses({ alias: "files", keys: live })).toEqual([]);
});

test("FileBasedCache: the Invalidate tab opens on a target it can do; a prefix asked for falls back with a note", async ({ page }) => {
  await login(page, "/caches/files/invalidate");
  await expect(page.getByRole("tab", { name: "URL (cache_page)" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("tab", { name: "Key prefix" })).toBeDisabled();
  await expect(page.getByLabel("URL", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Dry run" })).toBeEnabled();

  // A link asking for what the backend cannot do opens on what it can, and says so.
  await page.goto("/caches/files/invalidate?action=prefix");
  await expect(page.getByText(/cannot match keys by prefix.*Opened on “URL \(cache_page\)” instead\./)).toBeVisible();
  await expect(page.getByRole("tab", { name: "URL (cache_page)" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByLabel("Django key prefix")).toHaveCount(0);
});
