import { join } from "node:path";
import { answers, startDaemon } from "./daemon";

/**
 * A private, throwaway redis-server for integration tests and benchmarks: no persistence, its own temp dir,
 * started daemonized and stopped by the pid it wrote (never by name, other people's servers share the machine).
 */

export interface RedisServerHandle {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  port: number;
  /** Extra redis-server arguments, e.g. ["--requirepass", "s3cret"]. */
  args?: string[];
  /** How long to wait for the first answer to PING. */
  startTimeoutMs?: number;
}

/** The port integration tests use; CACHESCOPE_TEST_REDIS_PORT overrides it (the auth server takes the next one). */
export function testRedisPort(): number {
  const fromEnv = Number(process.env.CACHESCOPE_TEST_REDIS_PORT);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 6393;
}

/** True when something on the port answers a PING line with a Redis reply (PONG, or NOAUTH on a password server). */
export function redisAnswers(port: number, timeoutMs = 300): Promise<boolean> {
  return answers(port, "PING", (reply) => reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"), timeoutMs);
}

export async function startRedisServer(opts: StartOptions): Promise<RedisServerHandle> {
  const { port } = opts;
  // A server already there would be someone else's (or a leftover): refuse rather than test against it.
  if (await redisAnswers(port)) throw new Error(`port ${port} is already in use by a Redis server`);
  const daemon = await startDaemon({
    name: `redis-${port}`,
    command: "redis-server",
    args: (dir, pidfile) => [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "yes",
      "--pidfile",
      pidfile,
      "--dir",
      dir,
      "--logfile",
      join(dir, "redis.log"),
      ...(opts.args ?? []),
    ],
    ready: () => redisAnswers(port),
    startTimeoutMs: opts.startTimeoutMs,
  });
  return { port, pid: daemon.pid, stop: () => daemon.stop() };
}
