import { expect, test, type Page } from "@playwright/test";
import { TOKEN, readManifest, type ManifestEntry } from "./env";

async function login(page: Page, next: string) {
  await page.goto(`/api/login?token=${TOKEN}&next=${encodeURIComponent(next)}`);
}

function entryUrl(e: ManifestEntry): string {
  return `/caches/${e.alias}/entry?raw=${encodeURIComponent(e.raw)}`;
}

test("the home page lists every alias as up", async ({ page }) => {
  await login(page, "/");
  for (const alias of ["default", "compressed", "versioned"]) {
    await expect(page.getByTestId(`cache-row-${alias}`)).toContainText(/up · [\d.]+ ms/);
  }
});

test("a person who is not logged in is sent to the login page, and a wrong token is refused", async ({ page }) => {
  await page.goto("/caches/default");
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel("Token").fill("wrong");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.locator("form").getByRole("alert")).toContainText("not valid");
  await page.getByLabel("Token").fill(TOKEN);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/caches\/default$/);
  await expect(page.getByTestId("key-table")).toBeVisible();
});

test("the browser lists Django's keys with their kinds, and filters a glob-looking prefix literally", async ({ page }) => {
  const entries = readManifest().entries.filter((e) => e.alias === "default");
  await login(page, "/caches/default");
  const table = page.getByTestId("key-table");
  await expect(page.getByTestId("key-count")).toContainText(`${entries.length} keys shown`);
  const fragment = entries.find((e) => e.kind === "fragment")!;
  await expect(table.getByRole("row").filter({ hasText: fragment.key })).toContainText("fragment");
  const page1 = entries.find((e) => e.kind === "page")!;
  await expect(
    table
      .getByRole("row")
      .filter({ hasText: page1.key.slice(0, 60) })
      .first(),
  ).toContainText("page");

  await page.getByLabel("Key prefix").fill("report[2024]*:");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/prefix=report%5B2024%5D\*%3A|prefix=report\[2024\]\*:/);
  const expected = entries
    .filter((e) => e.key.startsWith("report[2024]*:"))
    .map((e) => e.key)
    .sort();
  expect(expected.length).toBe(2);
  await expect(page.getByTestId("key-count")).toContainText("2 keys shown");
  const shown = (await table.locator("tbody tr td:first-child a").allTextContents()).sort();
  expect(shown).toEqual(expected);

  // The filtered view is shareable: opening the URL again gives the same rows.
  await page.goto(page.url());
  await expect(page.getByTestId("key-count")).toContainText("2 keys shown");
});

test("entries show the values Django stored", async ({ page }) => {
  const entries = readManifest().entries.filter((e) => e.display !== undefined && e.kind === "key");
  expect(entries.length).toBeGreaterThan(8);
  await login(page, "/");
  for (const e of entries) {
    await page.goto(entryUrl(e));
    await expect(page.getByTestId("entry-name"), e.key).toHaveText(e.key);
    await expect(page.getByTestId("entry-value"), e.key).toContainText(e.display!);
  }
});

test("a cached page shows its status, content type and body as text", async ({ page }) => {
  const pages = readManifest().entries.filter((e) => e.kind === "page" && e.response);
  expect(pages.length).toBeGreaterThanOrEqual(3);
  await login(page, "/");
  for (const e of pages) {
    await page.goto(entryUrl(e));
    const response = page.getByTestId("entry-response");
    await expect(response).toContainText(`Cached page: ${e.response!.status} · ${e.response!.contentType}`);
    await expect(page.getByTestId("entry-body")).toHaveText(e.response!.bodyText);
  }
  // HTML bodies are text, never markup: the page has no element from the cached HTML.
  const html = pages.find((e) => e.response!.contentType.startsWith("text/html"));
  if (html) {
    await page.goto(entryUrl(html));
    await expect(page.getByTestId("entry-body")).toContainText("<");
  }
});

test("a template fragment shows its SafeString, and a compressed entry names its compressor", async ({ page }) => {
  const all = readManifest().entries;
  const fragment = all.find((e) => e.kind === "fragment")!;
  await login(page, entryUrl(fragment));
  await expect(page.getByTestId("entry-value")).toContainText("django.utils.safestring.SafeString");
  await expect(page.getByTestId("entry-value")).toContainText(fragment.display!);

  // The same fragment, opened by its name and vary-on values: the app computes the key {% cache %} builds.
  const alice = all.find((e) => e.kind === "fragment" && e.fragment?.varyOn.includes("alice"))!;
  await page.goto("/caches/default");
  await page.getByText("Open an exact key or template fragment").click();
  await page.getByLabel("Open by").selectOption("fragment");
  await page.getByLabel("Fragment name").fill(alice.fragment!.name);
  await page.getByLabel("Vary-on values").fill(alice.fragment!.varyOn.join("\n"));
  await page.getByRole("button", { name: "Open" }).click();
  await expect(page.getByTestId("entry-name")).toHaveText(alice.key);
  await expect(page.getByTestId("entry-value")).toContainText(alice.display!);

  const big = all.find((e) => e.alias === "compressed" && e.key === "report:big")!;
  await page.goto(entryUrl(big));
  await expect(page.getByTestId("entry-encoding")).toContainText("zlib");
});

test("a non-default KEY_PREFIX and VERSION: current version first, all versions on request", async ({ page }) => {
  const versioned = readManifest().entries.filter((e) => e.alias === "versioned");
  const current = versioned
    .filter((e) => e.version === 3)
    .map((e) => e.key)
    .sort();
  const old = versioned.filter((e) => e.version !== 3);
  expect(old.length).toBeGreaterThan(0);
  await login(page, "/caches/versioned");
  const links = page.getByTestId("key-table").locator("tbody tr td:first-child a");
  await expect(page.getByTestId("key-count")).toContainText(`${current.length} keys shown`);
  expect((await links.allTextContents()).sort()).toEqual(current);
  // The box reflects the URL, which changes a moment after the click: wait for both.
  await page.getByLabel("all versions").click();
  await expect(page).toHaveURL(/allVersions=1/);
  await expect(page.getByLabel("all versions")).toBeChecked();
  await expect(page.getByTestId("key-count")).toContainText(`${versioned.length} keys shown`);
  await expect(page.getByTestId("key-table")).toContainText(old[0].key);
});
