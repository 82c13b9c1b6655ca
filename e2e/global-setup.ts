import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { MEMCACHED_PIDFILE, REDIS_PIDFILE, ROOT } from "./env";

/**
 * Makes `npx playwright test` work on its own: starts the e2e Redis if needed and fills it with real Django data.
 * scripts/test.sh does this itself before Playwright starts the app (CACHESCOPE_E2E_PREPARED=1), because
 * Playwright starts the webServer before globalSetup; the app only answers /api/health until the specs run, so
 * data written here still arrives before any spec looks at it.
 */
export default function globalSetup(): (() => void) | undefined {
  if (process.env.CACHESCOPE_E2E_PREPARED === "1") return undefined;
  const pidfiles = [REDIS_PIDFILE, MEMCACHED_PIDFILE];
  const before = pidfiles.map(readPid);
  execFileSync("bash", [path.join(ROOT, "e2e", "prepare.sh")], { stdio: "inherit" });
  // prepare.sh reuses a server this checkout already runs and leaves it be: stop only those it started now.
  const started = pidfiles.map(readPid).filter((pid, i): pid is number => pid !== null && pid !== before[i]);
  if (started.length === 0) return undefined;
  return () => {
    for (const pid of started) {
      try {
        process.kill(pid, "SIGTERM");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
      }
    }
  };
}

function readPid(file: string): number | null {
  return existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : null;
}
