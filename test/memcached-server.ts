import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * A private, throwaway memcached for integration tests and benchmarks, started daemonized on 127.0.0.1 and stopped
 * by the pid it wrote (never by name: other people's servers share the machine).
 */

const run = promisify(execFile);

export interface MemcachedServerHandle {
  port: number;
  pid: number;
  /** "127.0.0.1:port" (or "unix:/path" for a socket server), as a Django LOCATION. */
  location: string;
  stop(): Promise<void>;
}

export interface StartMemcachedOptions {
  /** TCP port; with unixSocket, only names the temp dir (memcached then listens on the socket alone). */
  port: number;
  /** Listen on this unix socket path instead of TCP (-s). */
  unixSocket?: string;
  /** Memory limit in MB (-m). */
  memoryMb?: number;
  /** Extra memcached arguments, e.g. ["-X"]. */
  args?: string[];
  startTimeoutMs?: number;
}

/** True when something on the port (or unix socket path) answers "version" like memcached does. */
export function memcachedAnswers(where: number | string, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = typeof where === "number" ? connect({ host: "127.0.0.1", port: where }) : connect({ path: where });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("version\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) done(reply.startsWith("VERSION "));
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

async function readPid(pidfile: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(pidfile, "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export async function startMemcached(opts: StartMemcachedOptions): Promise<MemcachedServerHandle> {
  const { port, unixSocket } = opts;
  const where = unixSocket ?? port;
  // A server already there would be someone else's (or a leftover): refuse rather than test against it.
  if (await memcachedAnswers(where)) throw new Error(`${where} is already in use by a memcached`);
  const dir = await mkdtemp(join(tmpdir(), `cachescope-memcached-${port}-`));
  const pidfile = join(dir, "memcached.pid");
  await run("memcached", [
    "-d",
    ...(unixSocket ? ["-s", unixSocket, "-a", "0700"] : ["-p", String(port), "-U", "0", "-l", "127.0.0.1"]),
    "-u", "root",
    "-m", String(opts.memoryMb ?? 64),
    "-P", pidfile,
    ...(opts.args ?? []),
  ]);
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  let pid: number | null = null;
  // The daemon writes its pidfile after it starts listening: wait for both.
  while (!(await memcachedAnswers(where)) || (pid = await readPid(pidfile)) === null) {
    if (Date.now() > deadline) throw new Error(`memcached on ${where} did not start`);
    await sleep(20);
  }
  const serverPid = pid;

  return {
    port,
    pid: serverPid,
    location: unixSocket ? `unix:${unixSocket}` : `127.0.0.1:${port}`,
    async stop() {
      if (alive(serverPid)) process.kill(serverPid, "SIGTERM");
      const stopDeadline = Date.now() + 10_000;
      while (alive(serverPid) && Date.now() < stopDeadline) await sleep(20);
      if (alive(serverPid)) process.kill(serverPid, "SIGKILL");
      await rm(dir, { recursive: true, force: true });
    },
  };
}
