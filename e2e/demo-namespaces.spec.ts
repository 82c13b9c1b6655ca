import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DEMO_DATA_DIR, DEMO_URL, TOKEN } from "./env";

/**
 * The demo's Namespaces tab, fed by the built-in traffic simulator (which filled the last hour when the demo started).
 * Named to run before demo.spec.ts, whose cleanup removes the demo's data directory.
 */

test.use({ baseURL: DEMO_URL });

const PERCENTILES = /^p50 [\d.]+ (µs|ms) · p95 [\d.]+ (µs|ms) · p99 [\d.]+ (µs|ms)$/;

test("the demo's Namespaces tab shows simulated traffic per namespace, flagged, sortable, linked", async ({ page }) => {
  await page.goto(`/api/login?token=${TOKEN}&next=/caches/default/namespaces?window=1h`);
  await expect(page.getByText("Simulated traffic")).toBeVisible();
  const table = page.getByTestId("ns-table");
  const row = (name: string) => table.getByTestId("ns-row").filter({ has: page.getByTestId("ns-name").getByText(name, { exact: true }) });
  await expect(row("api:product-list")).toContainText("view");
  await expect(row("fragment:sidebar")).toContainText("fragment");
  await expect(row("search")).toContainText("mostly misses");
  await expect(row("report")).toContainText("written, never read");
  await expect(row("api:product-list").getByRole("img", { name: "hit ratio of api:product-list" })).toBeVisible();
  await expect(page.getByTestId("ns-total-ratio")).toHaveText(/\d+(\.\d)?%/);

  // Latency and time saved from the simulated timings; a namespace whose recompute was never measured says so.
  await expect(row("api:product-list").getByTestId("ns-get-latency")).toHaveText(PERCENTILES);
  await expect(row("api:product-list").getByTestId("ns-set-latency")).toHaveText(PERCENTILES);
  await expect(row("api:product-list").getByTestId("ns-saved")).toHaveText(/^saves [\d.]+ ms per hit, (< )?[\d.]+ CPU-s\/s$/);
  await expect(row("search").getByTestId("ns-saved")).toHaveText("recompute cost unknown");
  await expect(page.getByTestId("ns-total-get")).toHaveText(/^[\d.]+ (µs|ms) · [\d.]+ (µs|ms) · [\d.]+ (µs|ms)$/);
  await expect(page.getByTestId("ns-total-saved")).toHaveText(/^[\d.]+ CPU-s\/s$/);

  // Sorted by misses/s by default; a header click sorts by name and says so in the URL.
  await table.getByRole("button", { name: "namespace" }).click();
  await expect(page).toHaveURL(/sort=name/);
  await expect(table.getByTestId("ns-name").first()).toHaveText("api:product-detail");
  await page.getByRole("group", { name: "Window" }).getByRole("button", { name: "5m" }).click();
  await expect(page).toHaveURL(/window=5m/);

  // A fragment leads to its invalidation, set up (files name no key, so a plain namespace has no prefix to purge).
  await expect(row("user").getByRole("link", { name: "invalidate" })).toHaveCount(0);
  await row("fragment:sidebar").getByRole("link", { name: "invalidate" }).click();
  await expect(page).toHaveURL(/\/caches\/default\/invalidate\?action=fragment&fragment=sidebar/);
  await expect(page.getByLabel("Fragment name")).toHaveValue("sidebar");
});

test("a namespace name written as markup is shown as text", async ({ page }) => {
  const name = '<img src=x onerror="window.__ns_xss=1">';
  const now = Date.now() / 1000;
  const bucket = Math.floor(now / 10) * 10;
  const dir = path.join(DEMO_DATA_DIR, "demo-cache", ".cachescope", "default");
  mkdirSync(dir, { recursive: true });
  appendFileSync(
    path.join(dir, `${bucket}.jsonl`),
    JSON.stringify({ v: 1, host: "e2e", pid: 1, at: now, alias: "default", ns: { [name]: { k: "key", h: 1, m: 1 } } }) + "\n",
  );
  await page.goto(`/api/login?token=${TOKEN}&next=/caches/default/namespaces`);
  await expect(page.getByTestId("ns-name").getByText(name, { exact: true })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __ns_xss?: number }).__ns_xss)).toBeUndefined();
});

test("the home page shows the demo caches' hit ratios from Django, and the Stats tab beside the server's none", async ({ page }) => {
  await page.goto(`/api/login?token=${TOKEN}&next=/`);
  await expect(page.getByTestId("django-cell-default")).toContainText(/\d+(\.\d)?%/);
  await expect(page.getByTestId("django-cell-default")).toContainText("from Django (simulated)");
  await expect(page.getByTestId("saved-default")).toHaveText(/^saves [\d.]+ ms per hit, (< )?[\d.]+ CPU-s\/s$/);
  // The DummyCache stores nothing: its only ratio is the (simulated) companion's, every get a miss.
  await expect(page.getByTestId("django-cell-dummy")).toContainText(/^0%.*from Django \(simulated\)/);
  await page.goto("/caches/default/stats");
  await expect(page.getByTestId("django-ratio")).toHaveText(/\d+(\.\d)?%/);
  await expect(page.getByText("This cache's server keeps no counters to chart")).toBeVisible();
});
