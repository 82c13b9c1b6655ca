import { expect, test, type Page } from "@playwright/test";
import Redis from "ioredis";
import { CACHES, TOKEN, readManifest } from "./env";

/**
 * Live stats against the e2e Redis: GETs of keys Django wrote are driven in from outside, and the stats page, the
 * API and the metrics must show them arriving. Specs run one at a time (playwright.config.ts), so the only
 * lookups on this Redis while this spec runs are the ones it makes (and what the pages themselves read).
 */

const GETS = 150;
/**
 * The page shows the last minute only, and specs before this one (listing with TTL/TYPE/MEMORY USAGE, entry
 * reads) count as hits too: the page test makes many more than any of them do, in one pipeline.
 */
const PAGE_GETS = 3000;
const auth = { Authorization: `Bearer ${TOKEN}` };

function redisPort(): number {
  return Number(new URL(String(CACHES.default.LOCATION)).port);
}

/** GETs of an existing key Django wrote to the default alias: each one is a keyspace hit. */
async function hitExistingKey(times: number): Promise<void> {
  const raw = readManifest().entries.find((e) => e.alias === "default" && e.kind === "key")?.raw;
  if (!raw) throw new Error("the manifest has no plain key in the default alias");
  const r = new Redis({ host: "127.0.0.1", port: redisPort(), db: 0 });
  try {
    expect(await r.exists(raw)).toBe(1);
    const p = r.pipeline();
    for (let i = 0; i < times; i++) p.get(raw);
    await p.exec();
  } finally {
    r.disconnect();
  }
}

async function figure(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).textContent())?.trim() ?? "";
}

test.beforeEach(async ({ page }) => {
  await page.goto(`/api/login?token=${TOKEN}`);
});

test("the stats page shows hits driven into the e2e Redis as they happen", async ({ page }) => {
  await page.goto("/caches/default/stats?range=5m");
  await expect(page.getByTestId("chart-hit-ratio")).toBeVisible();
  await expect(page.getByText("server-wide counters", { exact: false })).toBeVisible();
  await expect(page.getByRole("button", { name: "5m", exact: true })).toHaveAttribute("aria-pressed", "true");
  // Wait until the sampler has an interval to count from, then remember where the hits figure stands.
  await expect.poll(() => figure(page, "hits-now"), { timeout: 20_000 }).toMatch(/^\d+ \/ \d+$/);
  expect(Number((await figure(page, "hits-now")).split(" / ")[0])).toBeLessThan(PAGE_GETS);
  const lastPointBefore = Number(await page.getByTestId("chart-hit-ratio").locator("[data-last]").getAttribute("data-last"));

  await hitExistingKey(PAGE_GETS);

  await expect
    .poll(async () => Number((await figure(page, "hits-now")).split(" / ")[0]), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(PAGE_GETS);
  await expect.poll(() => figure(page, "hit-ratio-now"), { timeout: 10_000 }).toMatch(/^\d+(\.\d)?%$/);
  // The charts took new points in place (the page polls; nobody reloaded it).
  await expect
    .poll(async () => Number(await page.getByTestId("chart-hit-ratio").locator("[data-last]").getAttribute("data-last")))
    .toBeGreaterThan(lastPointBefore);
  await expect(page.getByTestId("redis-details")).toContainText("Eviction policy");
  await expect(page.getByTestId("redis-keyspace")).toContainText("db0 (this alias)");

  await page.getByRole("button", { name: "1h", exact: true }).click();
  await expect(page).toHaveURL(/range=1h/);
});

test("the API and the metrics count the same hits", async ({ request }) => {
  const before = await (await request.get("/api/caches/default/stats?window=60", { headers: auth })).json();
  expect(before).toMatchObject({ alias: "default", kind: "redis", supported: true, serverWide: true });
  await hitExistingKey(GETS);
  await expect
    .poll(
      async () => {
        const s = await (await request.get("/api/caches/default/stats?window=60", { headers: auth })).json();
        return s.totals.hits - before.totals.hits;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(GETS);

  const history = await (await request.get("/api/caches/default/stats/history?seconds=120", { headers: auth })).json();
  expect(history.points.length).toBeGreaterThan(1);
  for (const p of history.points) expect(p.hits === null || p.hits >= 0).toBe(true);
  expect(history.points.some((p: { hits: number | null }) => (p.hits ?? 0) >= 1)).toBe(true);

  const metrics = await request.get("/api/metrics", { headers: auth });
  expect(metrics.status()).toBe(200);
  expect(metrics.headers()["content-type"]).toContain("text/plain");
  const text = await metrics.text();
  expect(text).toMatch(/^cachescope_up\{alias="default",backend="redis",server="127\.0\.0\.1:\d+\/0"\} 1$/m);
  expect(text).toMatch(/^cachescope_hits_total\{alias="default",backend="redis",server="[^"]+"\} \d+$/m);
  expect((await request.get("/api/metrics")).status()).toBe(401);
  expect((await request.get("/api/caches/default/stats?window=0", { headers: auth })).status()).toBe(400);
});

test("the home page shows each cache's hit ratio", async ({ page }) => {
  await hitExistingKey(GETS);
  await page.goto("/");
  await expect(page.getByTestId("stats-cell-default")).toContainText(/\d+(\.\d)?%/, { timeout: 20_000 });
  await expect(page.getByTestId("stats-cell-default").getByRole("img", { name: /hit ratio/ })).toBeVisible();
});
