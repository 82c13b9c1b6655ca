import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import Redis from "ioredis";
import { startRedisCluster, type RedisClusterHandle } from "../test/redis-cluster";
import { ROOT, RUN_DIR, TOKEN } from "./env";

/**
 * Redis Cluster in the browser (#16): a six-node cluster of its own (three primaries, a replica each, ports
 * 6461-6466), filled by django-redis through redis-py's RedisCluster (test/django-redis/djcluster.py), and a console
 * of its own on 3120 whose only alias points at one seed node. Both started here and stopped by their pids.
 */

const CONSOLE_PORT = 3120;
const CONSOLE_URL = `http://127.0.0.1:${CONSOLE_PORT}`;
const PORTS = [6461, 6462, 6463, 6464, 6465, 6466];
const AUDIT = path.join(RUN_DIR, "e2e-cluster-audit.log");
const DATA = path.join(RUN_DIR, "e2e-cluster-data");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const ITEMS = 20;

interface Written {
  alias: string;
  kind: string;
  key: string;
  rawKey: string;
}

let cluster: RedisClusterHandle;
let consoleApp: ChildProcess;
let output = "";
let written: Written[];

test.use({ baseURL: CONSOLE_URL });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  rmSync(AUDIT, { force: true });
  mkdirSync(DATA, { recursive: true });
  cluster = await startRedisCluster({ ports: PORTS });
  const seed = `redis://127.0.0.1:${PORTS[0]}/0`;
  const out = execFileSync("/usr/bin/python3", [
    path.join(ROOT, "test", "django-redis", "djcluster.py"),
    JSON.stringify({ seed, items: ITEMS }),
  ]);
  written = (JSON.parse(String(out)) as { entries: Written[] }).entries;
  const caches = { clustered: { BACKEND: "django_redis.cache.RedisCache", LOCATION: seed, KEY_PREFIX: "site" } };
  consoleApp = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(CONSOLE_PORT)], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      CACHESCOPE_TOKEN: TOKEN,
      CACHESCOPE_CACHES: JSON.stringify(caches),
      CACHESCOPE_AUDIT_LOG: AUDIT,
      CACHESCOPE_DATA_DIR: DATA,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  consoleApp.stdout?.on("data", (d) => (output += String(d)));
  consoleApp.stderr?.on("data", (d) => (output += String(d)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (consoleApp.exitCode !== null) throw new Error(`the console exited: ${output}`);
    const up = await fetch(`${CONSOLE_URL}/api/health`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the console did not answer in 60 s: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

test.afterAll(async () => {
  if (consoleApp && consoleApp.exitCode === null) consoleApp.kill("SIGTERM");
  await cluster?.stop();
});

async function login(page: Page, next: string) {
  await page.goto(`/api/login?token=${TOKEN}&next=${encodeURIComponent(next)}`);
}

test("the home page shows the cluster up; its page names the nodes with roles and slots", async ({ page }) => {
  await login(page, "/");
  await expect(page.getByTestId("cache-row-clustered")).toContainText(/up · [\d.]+ ms/);
  await page.goto("/caches/clustered");
  const health = page.getByTestId("health-panel");
  await expect(health).toContainText("Redis Cluster · cluster_state:ok · 3 primaries, 3 replicas");
  await expect(health.getByText(/^primary · slots \d+-\d+ \(\d+\) · up$/)).toHaveCount(3);
  await expect(health.getByText(/^replica of 127\.0\.0\.1:\d+\/0 · up$/)).toHaveCount(3);
});

test("browse lists keys from every primary, filters by prefix, and opens an entry routed to its node", async ({ page }) => {
  await login(page, "/caches/clustered?prefix=item%3A");
  const table = page.getByTestId("key-table");
  await expect(page.getByTestId("key-count")).toContainText(`${ITEMS} keys shown`);
  const shown = (await table.locator("tbody tr td:first-child a").allTextContents()).sort();
  expect(shown).toEqual(
    written
      .filter((w) => w.alias === "default" && /^item:\d+$/.test(w.key))
      .map((w) => w.key)
      .sort(),
  );
  await table.locator("tbody tr td:first-child a", { hasText: /^item:7$/ }).click();
  await expect(page.getByTestId("entry-name")).toContainText("item:7");
  await expect(page.getByTestId("entry-value")).toContainText("item 7");
});

test("a prefix purge over every primary: dry run, confirm, exact count, keys gone, decoys kept", async ({ page }) => {
  await login(page, "/caches/clustered/invalidate");
  await page.getByLabel("Django key prefix").fill("item:");
  await page.getByRole("button", { name: "Dry run" }).click();
  await expect(page.getByTestId("dry-matched")).toHaveText(String(ITEMS));
  await page.getByRole("button", { name: /^Delete \d+/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Confirmation text").fill("clustered");
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("job").first()).toHaveAttribute("data-state", "done");
  // Every primary's SCAN (replicas may lag a moment behind).
  const left = new Set<string>();
  for (const port of PORTS) {
    const node = new Redis({ port });
    try {
      if (((await node.call("ROLE")) as unknown[])[0] !== "master") continue;
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", "site:1:item*", "COUNT", 1000);
        keys.forEach((k) => left.add(k));
        cursor = next;
      } while (cursor !== "0");
    } finally {
      node.disconnect();
    }
  }
  expect([...left].sort()).toEqual(["site:1:item*", "site:1:item?x", "site:1:item[1]"]);
});

test("stats: every node, primaries and replicas, each with its role", async ({ page }) => {
  await login(page, "/caches/clustered/stats");
  const rows = page.getByTestId("server-table").locator("tbody tr");
  await expect(rows).toHaveCount(6);
  await expect(page.getByTestId("cluster-role")).toHaveCount(6);
  await rows.first().getByRole("button").click();
  await expect(page.getByTestId("cluster-role")).toHaveCount(1);
  await expect(page.getByTestId("cluster-role")).toContainText(/primary · slots \d+-\d+ · cluster_state:ok|replica of 127\.0\.0\.1:\d+\/0/);
});
