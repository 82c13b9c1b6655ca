import { expect, test, type Page } from "@playwright/test";
import { TOKEN, readManifest } from "./env";

/** The Sizes page on the caches the real Django + DRF site wrote (e2e/django/write_cache.py). */

async function login(page: Page, next: string) {
  await page.goto(`/api/login?token=${TOKEN}&next=${encodeURIComponent(next)}`);
}

async function analyse(page: Page) {
  await page.getByRole("button", { name: "Analyse" }).click();
  await expect(page.getByTestId("analysis")).toBeVisible();
}

test("an analysis of Django's cache draws the treemap, and a namespace opens in the key browser filtered to it", async ({ page }) => {
  const entries = readManifest().entries.filter((e) => e.alias === "default");
  await login(page, "/caches/default/sizes");
  await analyse(page);

  await expect(page.getByTestId("total-keys")).toHaveText(entries.length.toLocaleString("en-US"));
  // The three widgetN keys Django wrote are one series; the sidebar fragment's variants are one group.
  const groups = page.getByTestId("group-table");
  // Columns: kind, name, keys, bytes, examples.
  await expect(groups.getByRole("row").filter({ hasText: "widget#" }).locator("td").nth(2)).toHaveText("3");
  const sidebar = entries.filter((e) => e.kind === "fragment" && e.key.startsWith("template.cache.sidebar.")).length;
  expect(sidebar).toBeGreaterThan(1);
  await expect(groups.getByRole("row").filter({ hasText: "sidebar" }).locator("td").nth(2)).toHaveText(String(sidebar));

  // The treemap: cached pages live under "views."; clicking that tile zooms in, the path leads back out.
  const treemap = page.getByTestId("treemap");
  await expect(treemap.getByTestId("treemap-tile").first()).toBeVisible();
  await treemap.locator('[data-testid="treemap-tile"][data-name="views"]').click();
  await expect(page.getByTestId("treemap-current")).toHaveText("views.");
  await treemap.getByRole("button", { name: "all keys", exact: true }).click();
  await expect(page.getByTestId("treemap-current")).toHaveText("all keys");

  // A namespace whose name a glob would misread opens the key browser filtered to exactly its keys.
  const expected = entries
    .filter((e) => e.key.startsWith("report[2024]*:"))
    .map((e) => e.key)
    .sort();
  expect(expected.length).toBe(2);
  await page.locator('[data-testid="namespace-open"][data-prefix="report[2024]*:"]').click();
  await expect(page).toHaveURL(/\/caches\/default\?prefix=report%5B2024%5D\*%3A$/);
  await expect(page.getByTestId("key-count")).toContainText("2 keys shown");
  const shown = (await page.getByTestId("key-table").locator("tbody tr td:first-child a").allTextContents()).sort();
  expect(shown).toEqual(expected);
});

test("keys left at an old version are reported with their purge, and the last analysis stays after a reload", async ({ page }) => {
  const old = readManifest().entries.filter((e) => e.alias === "versioned" && e.version !== 3);
  expect(old.length).toBeGreaterThan(0);
  await login(page, "/caches/versioned/sizes");
  await analyse(page);
  const warning = page.getByTestId("old-versions");
  await expect(warning).toContainText(`${old.length} keys`);
  await expect(warning.getByRole("button", { name: "Purge old versions…" })).toBeVisible();
  await expect(page.getByTestId("version-table")).toContainText("current");

  await page.reload();
  await expect(page.getByTestId("old-versions")).toContainText(`${old.length} keys`);
  // The largest entries link to their entry pages.
  await page.getByTestId("top-table").locator("tbody tr td:first-child a").first().click();
  await expect(page).toHaveURL(/\/caches\/versioned\/entry\?raw=shop%3A/);
});
