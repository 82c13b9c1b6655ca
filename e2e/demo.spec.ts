import { rmSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { DEMO_DATA_DIR, DEMO_URL, TOKEN } from "./env";

/** The README's start command with no configuration: the built-in demo, with no Redis or memcached behind it. */

test.use({ baseURL: DEMO_URL });
test.afterAll(() => rmSync(DEMO_DATA_DIR, { recursive: true, force: true }));

test("with no configuration the app opens the demo: a FileBasedCache of Django entries and a DummyCache", async ({ page }) => {
  await page.goto(`/api/login?token=${TOKEN}&next=/`);
  await expect(page.getByText("This is the built-in demo")).toBeVisible();
  await expect(page.getByTestId("cache-row-default")).toContainText("FileBasedCache");
  await expect(page.getByTestId("cache-row-default")).toContainText(/up · [\d.]+ ms/);
  await expect(page.getByTestId("cache-row-dummy")).toContainText("DummyCache stores nothing");

  await page.getByRole("link", { name: "default", exact: true }).click();
  await expect(page.getByTestId("key-count")).toContainText("37 keys shown");
  await expect(page.getByTestId("key-table").getByText("page", { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId("key-table").getByText("fragment", { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId("key-table").getByText("session", { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId("health-panel")).toContainText("37 / 300");

  // A cached API page of the demo opens with its body as text.
  await page.getByLabel("Sort files by").selectOption("size");
  await page.getByTestId("key-table").getByRole("row").filter({ hasText: "page" }).first().getByRole("link").click();
  await expect(page.getByTestId("entry-response")).toContainText("Cached page: 200");
});

test("the DummyCache explains that it stores nothing", async ({ page }) => {
  await page.goto(`/api/login?token=${TOKEN}&next=/caches/dummy`);
  await expect(page.getByText("dummy has no keys to list")).toBeVisible();
  await expect(page.getByText(/every get is a miss/)).toBeVisible();
});
