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
  const pidBefore = readPid();
  execFileSync("bash", [path.join(ROOT, "e2e", "prepare.sh")], { stdio: "inherit" });
  const pid = readPid();
  // prepare.sh reuses a server this checkout already runs and leaves it be: stop only one it started now.
  if (pid === null || pid === pidBefore) return undefined;
  return () => {
    try {
      process.kill(pid, "SIGTERM");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
    }
  };
}

function readPid(): number | null {
  return existsSync(REDIS_PIDFILE) ? Number(readFileSync(REDIS_PIDFILE, "utf8").trim()) : null;
}
