import { expect, test } from "@playwright/test";
import { DEMO_URL, TOKEN } from "./env";

/** The cache tabs of the demo's two backends: a view the backend cannot do is greyed with its reason, never a link. */

test.use({ baseURL: DEMO_URL });

test("the DummyCache's Sizes tab is greyed with its reason; the FileBasedCache's is a link", async ({ page }) => {
  await page.goto(`/api/login?token=${TOKEN}&next=/caches/dummy`);
  await expect(page.getByText("dummy has no keys to list")).toBeVisible();
  const tabs = page.getByRole("navigation", { name: "dummy views" });
  await expect(tabs.getByText("Sizes", { exact: true })).toHaveAttribute("aria-disabled", "true");
  await expect(tabs.getByText("Sizes", { exact: true })).toHaveAttribute("title", /DummyCache cannot list its entries/);
  await expect(tabs.getByRole("link", { name: "Sizes" })).toHaveCount(0);
  await expect(tabs.getByRole("link", { name: "Stats" })).toBeVisible();

  await page.goto("/caches/default");
  await expect(page.getByRole("navigation", { name: "default views" }).getByRole("link", { name: "Sizes" })).toBeVisible();
});
