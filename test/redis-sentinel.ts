import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startDaemon, type Daemon } from "./daemon";
import { redisAnswers } from "./redis-server";

/** A throwaway Redis Sentinel on 127.0.0.1 watching one primary as `service`, stopped by its pid. */
export function startSentinel(port: number, service: string, primaryPort: number): Promise<Daemon> {
  return startDaemon({
    name: `sentinel-${port}`,
    command: "redis-server",
    // Sentinel rewrites its config file: it lives in the daemon's own temp dir.
    prepare: (dir) => writeFile(join(dir, "sentinel.conf"), `sentinel monitor ${service} 127.0.0.1 ${primaryPort} 1\n`),
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
