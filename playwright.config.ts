import { defineConfig } from "@playwright/test";
import { APP_PORT, AUDIT_LOG, BASE_URL, CACHES, COMPANION_SINKS, DEMO_DATA_DIR, DEMO_PORT, DEMO_URL, TOKEN } from "./e2e/env";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  globalSetup: "./e2e/global-setup.ts",
  // One app, one Redis, specs that delete keys: run them one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  // A 2-core machine running a build beside the app answers slowly at times: wait for pages, never for fixed sleeps.
  expect: { timeout: 15_000 },
  reporter: "list",
  use: {
    baseURL: BASE_URL,
    browserName: "chromium",
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download is not reachable from these machines.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: [
    {
      // The README's own start command: it builds first when the build is missing or stale.
      command: "bash scripts/start.sh",
      url: `${BASE_URL}/api/health`,
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        PORT: String(APP_PORT),
        NEXT_TELEMETRY_DISABLED: "1",
        CACHESCOPE_TOKEN: TOKEN,
        CACHESCOPE_CACHES: JSON.stringify(CACHES),
        CACHESCOPE_AUDIT_LOG: AUDIT_LOG,
        CACHESCOPE_SINKS: JSON.stringify(COMPANION_SINKS),
      },
    },
    {
      // The same app with no configuration: the built-in demo a newcomer sees first (its data in a folder of its own).
      // Playwright starts web servers one after the other, so the build the first one made is there already.
      command: "bash scripts/start.sh",
      url: `${DEMO_URL}/api/health`,
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        PORT: String(DEMO_PORT),
        NEXT_TELEMETRY_DISABLED: "1",
        CACHESCOPE_TOKEN: TOKEN,
        CACHESCOPE_DATA_DIR: DEMO_DATA_DIR,
      },
    },
  ],
});
