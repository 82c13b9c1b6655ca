import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startDaemon, type Daemon } from "./daemon";
import { redisAnswers } from "./redis-server";

export interface SentinelOptions {
  /** Sentinels that must agree the primary is down (1 for a lone sentinel). */
  quorum?: number;
  /** How long the primary must stay silent before a sentinel calls it down (Redis's default: 30 s). */
  downAfterMs?: number;
  /** Redis's default is 3 minutes; a test that fails over several times in a row needs a short one. */
  failoverTimeoutMs?: number;
}

/** A throwaway Redis Sentinel on 127.0.0.1 watching one primary as `service`, stopped by its pid. */
export function startSentinel(port: number, service: string, primaryPort: number, opts: SentinelOptions = {}): Promise<Daemon> {
  const lines = [`sentinel monitor ${service} 127.0.0.1 ${primaryPort} ${opts.quorum ?? 1}`];
  if (opts.downAfterMs) lines.push(`sentinel down-after-milliseconds ${service} ${opts.downAfterMs}`);
  if (opts.failoverTimeoutMs) lines.push(`sentinel failover-timeout ${service} ${opts.failoverTimeoutMs}`);
  return startDaemon({
    name: `sentinel-${port}`,
    command: "redis-server",
    // Sentinel rewrites its config file: it lives in the daemon's own temp dir.
    prepare: (dir) => writeFile(join(dir, "sentinel.conf"), lines.join("\n") + "\n"),
    args: (dir, pidfile) => [
      join(dir, "sentinel.conf"),
      "--sentinel",
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--daemonize",
      "yes",
      "--pidfile",
      pidfile,
      "--dir",
      dir,
      "--logfile",
      join(dir, "sentinel.log"),
    ],
    ready: () => redisAnswers(port),
  });
}
