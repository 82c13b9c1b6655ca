import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { MANIFEST, ROOT, TOKEN, djangoMisses, readManifest } from "./env";

/**
 * Invalidation in the browser against the data the real Django + DRF site wrote, then Django itself (ask.py) says
 * which cached pages and fragments it now misses: exactly the ones invalidated.
 */

test.describe.configure({ mode: "serial" });

// These tests delete what Django wrote: write it again afterwards, so the specs after this one see the full data.
test.afterAll(() => {
  execFileSync("/usr/bin/python3", [path.join(ROOT, "e2e", "django", "write_cache.py"), "--manifest", MANIFEST], { stdio: "inherit" });
});

async function login(page: Page) {
  await page.goto(`/api/login?token=${TOKEN}&next=/caches/default/invalidate`);
  await expect(page.getByRole("heading", { name: "Invalidate", exact: true }).first()).toBeVisible();
}

/** Dry run, check the count, delete, confirm by typing the alias, and wait for the job to finish. */
async function dryRunAndDelete(page: Page, expected: number) {
  await page.getByRole("button", { name: "Dry run" }).click();
  await expect(page.getByTestId("dry-matched")).toHaveText(String(expected));
  const jobsBefore = await page.getByTestId("job").count();
  await page.getByRole("button", { name: /^Delete \d+/ }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("button", { name: "Delete" })).toBeDisabled();
  await dialog.getByLabel("Confirmation text").fill("default");
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("job")).toHaveCount(jobsBefore + 1);
  const job = page.getByTestId("job").first();
  await expect(job).toHaveAttribute("data-state", "done");
  await expect(job.getByTestId("job-deleted")).toHaveText(`deleted ${expected}`);
}

test("invalidate one URL and one fragment; Django misses exactly those", async ({ page }) => {
  const entries = readManifest().entries.filter((e) => e.alias === "default");
  const urls = [...new Set(entries.filter((e) => e.url && e.kind === "page").map((e) => e.url!))].sort();
  const fragments = entries.filter((e) => e.kind === "fragment" && e.fragment).map((e) => e.fragment!);
  const target = urls.find((u) => u.includes("page=1"));
  const alice = fragments.find((f) => f.varyOn.includes("alice"));
  if (!target || !alice) throw new Error("the manifest lacks the products page 1 or alice's sidebar");
  expect(djangoMisses({ urls, fragments })).toEqual([]);

  await login(page);

  // The URL: its cache_page and cache_header keys, as the Django writer recorded them for it.
  const urlKeys = entries.filter((e) => e.url === target && (e.kind === "page" || e.kind === "page_header"));
  await page.getByRole("tab", { name: "URL (cache_page)" }).click();
  await page.getByLabel("URL", { exact: true }).fill(target);
  await dryRunAndDelete(page, urlKeys.length);

  await page.getByRole("tab", { name: "Template fragment" }).click();
  await page.getByLabel("Fragment name").fill(alice.name);
  await page.getByText("only the variant for these vary-on values").click();
  await page.getByLabel("Vary-on values", { exact: true }).fill(alice.varyOn.join("\n"));
  await dryRunAndDelete(page, 1);

  // Django's own view: only that URL and that fragment are gone; every other page and fragment still hits.
  expect(djangoMisses({ urls, fragments })).toEqual([target, alice]);
  expect(djangoMisses({ keys: ["counter:visits", "report[2024]*:q1"] })).toEqual([]);

  // Reopening the page still lists the jobs (they live in the server, not in the tab).
  await page.reload();
  await expect(page.locator('[data-testid="job"][data-kind="invalidate-url"]').first()).toHaveAttribute("data-state", "done");
  await expect(page.locator('[data-testid="job"][data-kind="invalidate-fragment"]').first()).toHaveAttribute("data-state", "done");
});

test("an empty prefix and a bad URL are refused with the reason", async ({ page }) => {
  await login(page);
  await page.getByRole("button", { name: "Dry run" }).click();
  await expect(page.getByTestId("dry-run-error")).toContainText("empty prefix");
  await page.getByRole("tab", { name: "URL (cache_page)" }).click();
  await page.getByLabel("URL", { exact: true }).fill("ftp://example.com/x");
  await page.getByRole("button", { name: "Dry run" }).click();
  await expect(page.getByTestId("dry-run-error")).toContainText("only http and https");
});
