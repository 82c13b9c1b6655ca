import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { COMPANION_SINKS, ROOT, TOKEN } from "./env";

/**
 * The Compare page end to end: a worker of the real e2e Django site with the companion installed (port 3118) serves
 * catalog requests on cs_redis and cs_mc, so the companion times real gets and sets; the page must draw those
 * distributions, say why the other caches have none, and run probes from the button (confirm, progress, figures, two
 * runs compared), and say DummyCache cannot be probed.
 */

const WORKER_PORT = 3118;
const RUN = `cmp${Date.now().toString(36)}`;
const auth = { Authorization: `Bearer ${TOKEN}` };

interface LatencySummary {
  count: number;
  p50Ms: number | null;
}
interface CompareAnswer {
  caches: { alias: string; realTraffic: { latency: { get: LatencySummary; set: LatencySummary } | null; reason?: string } }[];
}

function get(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, headers: { Host: "shop.test" }, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });
}

let worker: ChildProcess | null = null;
let output = "";

async function login(page: Page, next: string) {
  await page.goto(`/api/login?token=${TOKEN}&next=${encodeURIComponent(next)}`);
}

async function compare(request: APIRequestContext): Promise<CompareAnswer> {
  const res = await request.get("/api/compare?window=3600", { headers: auth });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as CompareAnswer;
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  expect(await portFree(WORKER_PORT), `port ${WORKER_PORT} must be free for the compare spec's Django worker`).toBe(true);
  worker = spawn("/usr/bin/python3", [path.join(ROOT, "e2e", "django", "serve.py"), "--port", String(WORKER_PORT)], {
    cwd: ROOT,
    env: {
      ...process.env,
      PYTHONPATH: path.join(ROOT, "integrations", "django"),
      DJANGO_SETTINGS_MODULE: "shop.settings_companion",
      CACHESCOPE_E2E_SINKS: JSON.stringify(COMPANION_SINKS),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  worker.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  await expect
    .poll(
      async () => {
        if (worker?.exitCode !== null) throw new Error(`the Django worker exited: ${output}`);
        return get(WORKER_PORT, "/cs/health/").catch(() => 0);
      },
      { timeout: 30_000, message: `Django worker on ${WORKER_PORT} answers` },
    )
    .toBe(200);
});

test.afterAll(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) {
    const exited = new Promise((resolve) => worker?.once("exit", resolve));
    worker.kill("SIGTERM");
    await exited;
  }
});

test("real-traffic distributions from the companion beside the caches that have none", async ({ page, request }) => {
  // Each item cold then warm: a miss and a set, then a hit: gets and sets the companion times.
  for (const alias of ["cs_redis", "cs_mc"]) {
    for (let i = 0; i < 10; i++) {
      for (let round = 0; round < 2; round++) expect(await get(WORKER_PORT, `/cs/${alias}/catalog/${RUN}-${i}/`)).toBe(200);
    }
  }
  // The worker flushes every second: wait for this run's calls to arrive.
  await expect
    .poll(
      async () => {
        const answer = await compare(request);
        return answer.caches.find((c) => c.alias === "cs_redis")?.realTraffic.latency?.get.count ?? 0;
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(20);

  await login(page, "/compare?window=3600");
  await expect(page.getByRole("heading", { name: "Compare backends" })).toBeVisible();
  const real = page.getByTestId("real-traffic");
  await expect(real.getByTestId("real-chart")).toBeVisible();
  await expect(real.getByTestId("real-chart").getByText("cs_redis").first()).toBeVisible();
  const redisGet = real.getByTestId("real-cs_redis-get");
  await expect(redisGet).toContainText(/get: \d+ calls · p50 \d+(\.\d+)? (µs|ms)/);
  await expect(real.getByTestId("real-cs_redis-set")).toContainText(/set: \d+ calls/);
  await expect(real.getByTestId("real-cs_mc-get")).toContainText(/get: \d+ calls/);
  // The columns of the histogram: one per bucket of the companion's fixed log scale.
  await expect(redisGet.locator("rect")).toHaveCount(21);
  // The misses were followed by their sets in the same thread: a measured recompute cost.
  await expect(real.getByTestId("saved-cs_redis")).toContainText(/saves \d+(\.\d+)? (µs|ms) per hit/);
  // Caches the companion does not time here say why, instead of showing nothing.
  await expect(real.getByTestId("real-versioned-empty")).toContainText(/companion/);
});

test("a probe from the page: confirm, progress, figures, nothing left; a second run compared with the first", async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, "/compare");
  const card = page.getByTestId("probe-card-cs_redis");
  await expect(card).toBeVisible();
  await expect(page.getByTestId("probe-card-cs_dummy").getByTestId("probe-refused")).toContainText("stores nothing");

  for (let run = 1; run <= 2; run++) {
    await card.getByTestId("run-probe-cs_redis").click();
    const dialog = page.getByRole("dialog", { name: 'Probe "cs_redis"?' });
    await expect(dialog).toContainText("cachescope-probe:");
    await dialog.getByRole("button", { name: "Run probe" }).click();
    await expect(card.getByTestId("probe-table")).toBeVisible({ timeout: 60_000 });
    await expect(card.getByTestId("run-probe-cs_redis")).toBeEnabled({ timeout: 60_000 });
    await expect(card.getByRole("combobox", { name: "Probe run of cs_redis" }).locator("option")).toHaveCount(run, { timeout: 60_000 });
  }
  // A row per size (median, and p95 when it differs) and client count (1, 8), each with set/get/delete p50 / p99 and ops/s.
  const figures = card.getByTestId("probe-figure");
  await expect(figures.first()).toBeVisible();
  expect([6, 12]).toContain(await figures.count());
  await expect(figures.first()).toContainText(/\d+(\.\d+)? (µs|ms) \/ \d+(\.\d+)? (µs|ms)/);
  await expect(figures.first()).toContainText(/\d+(\.\d+)?k?\/s/);
  await expect(card.getByTestId("probe-sizes")).toContainText(/median \d/);
  await expect(card.getByTestId("probe-cleanup")).toHaveText("nothing left behind");
  // The second run against the first: each figure carries the other run's, in violet, with the ratio.
  await expect(figures.first()).toContainText(/×\d+\.\d\d/);
  await expect(card.getByTestId("probe-sizes")).toContainText("violet: the run of");
  await expect(page.getByTestId("probe-chart")).toContainText("cs_redis");
});
