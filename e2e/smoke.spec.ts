import { expect, test } from "@playwright/test";
import { CACHES, TOKEN, djangoMisses, readManifest } from "./env";

test("GET /api/health answers ok without a login", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true });
});

test("the home page loads, and without a login sends the person to the login page", async ({ page }) => {
  const res = await page.goto("/");
  expect(res?.status()).toBe(200);
  // Wait for the redirect to settle: closing the page mid-navigation can hang the browser's teardown.
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
  await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
});

test("the app is configured with the aliases the Django site writes to", async ({ request }) => {
  const res = await request.get("/api/caches", { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status()).toBe(200);
  const { caches } = (await res.json()) as { caches: { alias: string; kind: string }[] };
  expect(caches.map((c) => c.alias).sort()).toEqual(Object.keys(CACHES).sort());
  // LocMemCache ("unsupported") and DummyCache: the companion spec's aliases whose counters go to sinks.
  expect(new Set(caches.map((c) => c.kind))).toEqual(new Set(["redis", "memcached", "filebased", "unsupported", "dummy"]));
});

test("the e2e Redis holds what Django wrote, by Django's own account", () => {
  const entries = readManifest().entries;
  const pages = entries.filter((e) => e.kind === "page" && e.url);
  const fragments = entries.filter((e) => e.kind === "fragment" && e.fragment);
  expect(pages.length).toBeGreaterThanOrEqual(3);
  expect(fragments.length).toBe(2);
  expect(
    djangoMisses({
      keys: ["counter:visits", "report[2024]*:q1"],
      urls: pages.map((e) => e.url!),
      fragments: fragments.map((e) => e.fragment!),
    }),
  ).toEqual([]);
  expect(djangoMisses({ alias: "versioned", keys: ["menu", "legacy:banner"] })).toEqual(["legacy:banner"]);
  expect(djangoMisses({ alias: "versioned", version: 2, keys: ["legacy:banner"] })).toEqual([]);
});
