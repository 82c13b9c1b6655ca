import { connect } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import Redis from "ioredis";
import { CACHES, TOKEN } from "./env";

/**
 * Cold entries and server health (issue #18) on the e2e servers the real Django site wrote: the Sizes page's Cold
 * section on memcached (fetch flags) and Redis (idle times), the key browser's "no expiry" filter, and the Redis
 * health panel of the Stats tab with a slow command mapped to its namespace.
 */

async function login(page: Page, next: string) {
  await page.goto(`/api/login?token=${TOKEN}&next=${encodeURIComponent(next)}`);
}

function portOf(alias: string): number {
  const location = String(CACHES[alias].LOCATION);
  return Number(location.includes("://") ? new URL(location).port : location.split(":")[1]);
}

/** Raw memcached text commands on the e2e server (items written without Django's client, and never read). */
function memcached(lines: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(portOf("pages_mc"), "127.0.0.1");
    let out = "";
    socket.on("data", (d) => {
      out += d.toString("latin1");
      if ((out.match(/\r\n/g) ?? []).length >= lines.split("\r\n").filter((l) => l.startsWith("set") || l.startsWith("delete")).length) {
        socket.end();
        resolve(out);
      }
    });
    socket.on("error", reject);
    socket.write(lines);
  });
}

async function analyse(page: Page) {
  await page.getByRole("button", { name: "Analyse" }).click();
  await expect(page.getByTestId("analysis")).toBeVisible();
}

const COLD_KEYS = ["mc:1:coldspec:a", "mc:1:coldspec:b", "mc:1:coldspec:c"];

test("memcached: the Cold section counts items never read per namespace, from the server's fetch flags", async ({ page }) => {
  await memcached(COLD_KEYS.map((k) => `set ${k} 0 0 4\r\nwarm\r\n`).join(""));
  try {
    await login(page, "/caches/pages_mc/sizes");
    await analyse(page);
    const section = page.getByTestId("cold-section");
    await expect(section.getByTestId("cold-basis")).toContainText("memcached fetch flag");
    const row = section.getByTestId("cold-table").getByRole("row").filter({ hasText: "coldspec" });
    // Columns: namespace, keys, bytes, never read, idle > 1 h, idle > 24 h, never expire.
    await expect(row.locator("td").nth(1)).toHaveText("3");
    await expect(row.locator("td").nth(3)).toContainText("3 · ");
    await expect(row.locator("td").nth(3)).toContainText("(100%)");
    await expect(row.locator("td").nth(6)).toContainText("3 · ");
    await expect(section.getByTestId("idle-histogram")).toBeVisible();
    await expect(section.getByTestId("cold-top-table")).toContainText("coldspec:a");
  } finally {
    await memcached(COLD_KEYS.map((k) => `delete ${k}\r\n`).join(""));
  }
});

test("Redis: the Cold section says it reads OBJECT IDLETIME, and the no-expiry filter lists only entries without a TTL", async ({
  page,
}) => {
  await login(page, "/caches/default/sizes");
  await analyse(page);
  const section = page.getByTestId("cold-section");
  await expect(section.getByTestId("cold-basis")).toContainText("OBJECT IDLETIME");
  await expect(section.getByTestId("cold-basis")).toContainText("CLIENT NO-TOUCH");
  await expect(section.getByTestId("cold-table").getByRole("row").nth(1)).toBeVisible();
  await expect(section.getByTestId("idle-histogram")).toBeVisible();

  // The keys the server holds without a TTL, counted by the server itself.
  const r = new Redis({ port: portOf("default"), db: 0 });
  let forever = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", ":1:*", "COUNT", 1000);
      cursor = next;
      for (const k of keys) if ((await r.pttl(k)) === -1) forever++;
    } while (cursor !== "0");
  } finally {
    r.disconnect();
  }
  expect(forever).toBeGreaterThan(0);
  await page.goto("/caches/default");
  await page.getByTestId("no-expiry-filter").click();
  await expect(page.getByTestId("no-expiry-filter")).toBeChecked();
  await expect(page).toHaveURL(/noExpiry=1/);
  await expect(page.getByTestId("key-count")).toContainText(`${forever} keys shown`);
  const ttls = await page.getByTestId("key-table").locator("tbody tr td:nth-child(4)").allTextContents();
  expect(ttls.length).toBe(forever);
  expect(new Set(ttls)).toEqual(new Set(["never"]));
});

test("Redis: the Stats tab's health panel shows a slow command with its Django namespace, and top commands", async ({ page }) => {
  const r = new Redis({ port: portOf("default"), db: 0 });
  const before = String((await r.config("GET", "slowlog-log-slower-than"))[1]);
  try {
    // Every command is slow for a moment: this GET lands in the slow log, with its key.
    await r.config("SET", "slowlog-log-slower-than", "0");
    await r.get(":1:coldspec:slow:1");
  } finally {
    await r.config("SET", "slowlog-log-slower-than", before);
    r.disconnect();
  }
  await login(page, "/caches/default/stats");
  const panel = page.getByTestId("redis-health");
  await expect(panel.getByTestId("redis-health-server")).toBeVisible({ timeout: 20_000 });
  const slow = panel.getByTestId("slowlog-table").getByRole("row").filter({ hasText: "coldspec:slow:1" });
  await expect(slow).toContainText("GET");
  await expect(slow).toContainText("coldspec:slow:");
  await expect(panel.getByTestId("commandstats-table")).toContainText("GET");
  await expect(panel).toContainText("Memory doctor");
  await panel.getByTestId("redis-health-refresh").click();
  await expect(panel.getByTestId("redis-health-refresh")).toHaveText("Refresh");
});
