import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

/**
 * e2e/cluster.spec.ts alone: it starts its own Redis Cluster (6461-6466) and console (3120), so it needs neither the
 * suite's app servers nor its global setup. `npx playwright test -c playwright.cluster.config.ts` after `npx next build`.
 */
export default defineConfig({ ...base, globalSetup: undefined, webServer: undefined, testMatch: "cluster.spec.ts" });
