import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { REDIS_PIDFILE, ROOT } from "./env";

/**
 * Makes `npx playwright test` work on its own: starts the e2e Redis if needed and fills it with real Django data.
 * scripts/test.sh does this itself before Playwright starts the app (CACHESCOPE_E2E_PREPARED=1), because
 * Playwright starts the webServer before globalSetup; the app only answers /api/health until the specs run, so
 * data written here still arrives before any spec looks at it.
 */
export default function globalSetup(): (() => void) | undefined {
  if (process.env.CACHESCOPE_E2E_PREPARED === "1") return undefined;
  execFileSync("bash", [path.join(ROOT, "e2e", "prepare.sh")], { stdio: "inherit" });
  if (!existsSync(REDIS_PIDFILE)) return undefined;
  const pid = Number(readFileSync(REDIS_PIDFILE, "utf8").trim());
  return () => {
    try {
      process.kill(pid, "SIGTERM");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
    }
  };
}
