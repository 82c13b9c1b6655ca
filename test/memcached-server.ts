import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { accepts, answers, startDaemon, type Where } from "./daemon";

/**
 * A private, throwaway memcached for integration tests and benchmarks, started daemonized on 127.0.0.1 and stopped
 * by the pid it wrote (never by name: other people's servers share the machine).
 */

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
  /** Require SASL logins (-S) with this one user: the server then speaks the binary protocol only. */
  sasl?: { username: string; password: string };
  /** Extra memcached arguments, e.g. ["-X"]. */
  args?: string[];
  startTimeoutMs?: number;
}

/** True when something on the port (or unix socket path) answers "version" like memcached does. */
export function memcachedAnswers(where: Where, timeoutMs = 300): Promise<boolean> {
  return answers(where, "version", (reply) => reply.startsWith("VERSION "), timeoutMs);
}

export async function startMemcached(opts: StartMemcachedOptions): Promise<MemcachedServerHandle> {
  const { port, unixSocket } = opts;
  const where = unixSocket ?? port;
  // A server already there would be someone else's (or a leftover): refuse rather than test against it.
  if ((await memcachedAnswers(where)) || (unixSocket === undefined && (await accepts(port)))) {
    throw new Error(`${where} is already in use`);
  }
  const { sasl } = opts;
  const daemon = await startDaemon({
    name: `memcached-${port}`,
    command: "memcached",
    args: (_dir, pidfile) => [
      "-d",
      ...(unixSocket ? ["-s", unixSocket, "-a", "0700"] : ["-p", String(port), "-U", "0", "-l", "127.0.0.1"]),
      "-u",
      "root",
      "-m",
      String(opts.memoryMb ?? 64),
      "-P",
      pidfile,
      ...(sasl ? ["-S"] : []),
      ...(opts.args ?? []),
    ],
    // Cyrus SASL reads its settings from SASL_CONF_PATH/memcached.conf: PLAIN against a user database of our own.
    prepare: sasl
      ? async (dir) => {
          await writeFile(join(dir, "memcached.conf"), `mech_list: plain\nsasldb_path: ${join(dir, "sasldb")}\n`);
          await new Promise<void>((resolve, reject) => {
            const child = execFile("saslpasswd2", ["-p", "-a", "memcached", "-c", "-f", join(dir, "sasldb"), sasl.username], (err) =>
              err ? reject(err) : resolve(),
            );
            child.stdin?.end(sasl.password);
          });
        }
      : undefined,
    env: sasl ? (dir) => ({ SASL_CONF_PATH: dir }) : undefined,
    // The daemon writes its pidfile after it starts listening: startDaemon waits for both. A SASL server answers no
    // text command, so there an accepted connection is the sign.
    ready: () => (sasl ? accepts(port) : memcachedAnswers(where)),
    startTimeoutMs: opts.startTimeoutMs,
  });
  return {
    port,
    pid: daemon.pid,
    location: unixSocket ? `unix:${unixSocket}` : `127.0.0.1:${port}`,
    stop: () => daemon.stop(),
  };
}
