import { checkAuditLog } from "@/lib/audit/log";
import { kindOf } from "@/lib/backends/registry";
import { installLogRedaction } from "@/lib/config/log-redaction";
import { formatConfigError } from "@/lib/config/parse";
import { demoCacheDir } from "@/lib/demo/caches";
import { ensureDemoData } from "@/lib/demo/demo-data";
import { startSimulator } from "@/lib/demo/simulator";
import { getSampler } from "@/lib/stats/instance";
import { getContext } from "./context";

/** What the operator needs at start: where the config came from, what is wrong with it, and how to log in. */
export async function startup(): Promise<void> {
  // First: nothing printed from here on (by this code, a driver or Next.js) carries a configured secret.
  installLogRedaction();
  const ctx = getContext();
  const { config } = ctx;
  const port = process.env.PORT ?? "3000";
  const host = process.env.HOSTNAME && process.env.HOSTNAME !== "0.0.0.0" ? process.env.HOSTNAME : "localhost";
  if (config.demo) {
    // The demo must work with nothing installed: its entries ship with the app and are written on first start.
    const { written } = await ensureDemoData(demoCacheDir(ctx.dataDir));
    console.log(`[cachescope] demo: FileBasedCache in ${demoCacheDir(ctx.dataDir)}${written ? ` (${written} entries written)` : ""}`);
    const { backfilled } = await startSimulator(demoCacheDir(ctx.dataDir), ctx.dataDir);
    console.log(
      `[cachescope] demo: simulated Django traffic every 10 s${backfilled ? ` (${backfilled} buckets of the last hour filled)` : ""}`,
    );
  }
  console.log(`[cachescope] caches from ${config.source}: ${config.caches.map((c) => `${c.alias} (${kindOf(c)})`).join(", ") || "none"}`);
  for (const e of config.errors) console.error(`[cachescope] config error: ${formatConfigError(e)}`);
  if (ctx.readOnly) console.log("[cachescope] read-only mode: every change is refused");
  if (ctx.tokenGenerated) {
    console.log(`[cachescope] access token (random, set CACHESCOPE_TOKEN to fix it): ${ctx.token}`);
    console.log(`[cachescope] log in: http://${host}:${port}/api/login?token=${encodeURIComponent(ctx.token)}`);
  } else {
    console.log(`[cachescope] access token from CACHESCOPE_TOKEN; log in at http://${host}:${port}/login`);
  }
  if (ctx.viewerToken) console.log("[cachescope] viewer token from CACHESCOPE_VIEWER_TOKEN: logs in read-only");
  console.log(
    `[cachescope] sessions last ${ctx.sessionSeconds / 3600} h; forwarded headers ${ctx.trustProxy ? "trusted (CACHESCOPE_TRUST_PROXY=1)" : "ignored"}`,
  );
  const audit = await checkAuditLog(ctx.auditLogPath);
  if (audit.writable) console.log(`[cachescope] audit log: ${ctx.auditLogPath}`);
  else
    console.error(
      `[cachescope] audit log ${ctx.auditLogPath} is NOT writable (${audit.error}): deletes and purges are refused until it is`,
    );
  // The live stats history begins when the server does, not when someone first opens a stats page.
  const sampler = getSampler();
  console.log(`[cachescope] stats: sampling every ${sampler.intervalMs} ms, keeping one hour`);
}
