import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * Starting and stopping a throwaway server daemon for tests and benchmarks (redis-server, memcached): its own temp
 * dir, daemonized, waited for until it answers and has written its pidfile, and stopped by that pid — never by name,
 * other people's servers share the machine.
 */

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP port on 127.0.0.1, or a unix socket path. */
export type Where = number | string;

/** True when the server at `where` answers `request` (one line) with a reply `ok` accepts. */
export function answers(where: Where, request: string, ok: (reply: string) => boolean, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = typeof where === "number" ? connect({ host: "127.0.0.1", port: where }) : connect({ path: where });
    let reply = "";
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write(`${request}\r\n`));
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) done(ok(reply));
    });
  });
}

/** True when something accepts a TCP connection on the port (servers that answer no text command, like SASL memcached). */
export function accepts(port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => done(true));
  });
}

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

export interface Daemon {
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

export interface DaemonSpec {
  /** Names the temp dir, e.g. "redis-6390". */
  name: string;
  command: string;
  /** The daemon's arguments, given the temp dir and the pidfile to write. */
  args: (dir: string, pidfile: string) => string[];
  /** True once the server answers. */
  ready: () => Promise<boolean>;
  /** Files the daemon needs in its dir before it starts, and its environment. */
  prepare?: (dir: string) => Promise<void>;
  env?: (dir: string) => Record<string, string>;
  startTimeoutMs?: number;
}

/** Starts a daemon and waits until it answers and its pidfile names it. */
export async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  const dir = await mkdtemp(join(tmpdir(), `cachescope-${spec.name}-`));
  const pidfile = join(dir, `${spec.command}.pid`);
  await spec.prepare?.(dir);
  await run(spec.command, spec.args(dir, pidfile), { env: { ...process.env, ...spec.env?.(dir) } });
  const deadline = Date.now() + (spec.startTimeoutMs ?? 10_000);
  let pid: number | null = null;
  while (!(await spec.ready()) || (pid = await readPid(pidfile)) === null) {
    if (Date.now() > deadline) throw new Error(`${spec.command} (${spec.name}) did not start (files in ${dir})`);
    await sleep(20);
  }
  const serverPid = pid;
  return {
    pid: serverPid,
    dir,
    async stop() {
      if (alive(serverPid)) process.kill(serverPid, "SIGTERM");
      const stopDeadline = Date.now() + 10_000;
      while (alive(serverPid) && Date.now() < stopDeadline) await sleep(20);
      if (alive(serverPid)) process.kill(serverPid, "SIGKILL");
      await rm(dir, { recursive: true, force: true });
    },
  };
}
