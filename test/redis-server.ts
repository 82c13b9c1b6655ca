import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * A private, throwaway redis-server for integration tests and benchmarks: no persistence, its own temp dir,
 * started daemonized and stopped by the pid it wrote (never by name, other people's servers share the machine).
 */

const run = promisify(execFile);

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
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startRedisServer(opts: StartOptions): Promise<RedisServerHandle> {
  const { port } = opts;
  // A server already there would be someone else's (or a leftover): refuse rather than test against it.
  if (await redisAnswers(port)) throw new Error(`port ${port} is already in use by a Redis server`);
  const dir = await mkdtemp(join(tmpdir(), `cachescope-redis-${port}-`));
  const pidfile = join(dir, "redis.pid");
  await run("redis-server", [
    "--port", String(port),
    "--bind", "127.0.0.1",
    "--save", "",
    "--appendonly", "no",
    "--daemonize", "yes",
    "--pidfile", pidfile,
    "--dir", dir,
    "--logfile", join(dir, "redis.log"),
    ...(opts.args ?? []),
  ]);
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  while (!(await redisAnswers(port))) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING (log: ${dir}/redis.log)`);
    await sleep(20);
  }
  const pid = Number((await readFile(pidfile, "utf8")).trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`bad pidfile ${pidfile}`);

  return {
    port,
    pid,
    async stop() {
      if (alive(pid)) process.kill(pid, "SIGTERM");
      const stopDeadline = Date.now() + 10_000;
      while (alive(pid) && Date.now() < stopDeadline) await sleep(20);
      if (alive(pid)) process.kill(pid, "SIGKILL");
      await rm(dir, { recursive: true, force: true });
    },
  };
}
