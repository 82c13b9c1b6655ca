import path from "node:path";
import { defineConfig } from "@playwright/test";
import base from "../playwright.config";

/**
 * e2e/cold.spec.ts on a console of its own (port 3124, issue #18's range), so it runs beside another checkout's
 * suite app on 3107: `npx playwright test -c e2e/cold.config.ts` (with the e2e servers prepared, e2e/prepare.sh).
 */
const PORT = 3124;
const url = `http://127.0.0.1:${PORT}`;
const [app] = Array.isArray(base.webServer) ? base.webServer : [base.webServer];

export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: "cold.spec.ts",
  globalSetup: "./global-setup.ts",
  use: { ...base.use, baseURL: url },
  webServer: app ? [{ ...app, cwd: path.resolve(__dirname, ".."), url: `${url}/api/health`, env: { ...app.env, PORT: String(PORT) } }] : [],
});
