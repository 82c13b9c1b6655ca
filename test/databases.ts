import { execFile, spawn } from "node:child_process";
import { cp, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { accepts } from "./daemon";

/**
 * Throwaway PostgreSQL 15 and MariaDB servers for the DatabaseCache tests and bench: their own data directories under
 * .run/, their own ports, stopped by the pid they wrote (never by name: the machine's own servers on 5432 and 3306 are
 * someone else's). A data directory is initialised once into .run/ and copied for each start, so a start is fast.
 */

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RUN = join(__dirname, "..", ".run");
const PG_BIN = "/usr/lib/postgresql/15/bin";

export interface DatabaseServer {
  port: number;
  pid: number;
  /** DATABASES entry for this server's test database. */
  entry: Record<string, unknown>;
  stop(): Promise<void>;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Initialises `template` once (into a temp name renamed into place, so a concurrent start never sees half of it). */
async function template(dir: string, init: (tmp: string) => Promise<void>): Promise<void> {
  if (await exists(dir)) return;
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await init(tmp);
  await rename(tmp, dir).catch(async () => rm(tmp, { recursive: true, force: true }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid: number, dir: string): Promise<void> {
  if (alive(pid)) process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 15_000;
  while (alive(pid) && Date.now() < deadline) await sleep(25);
  if (alive(pid)) process.kill(pid, "SIGKILL");
  await rm(dir, { recursive: true, force: true });
}

async function waitFor(port: number, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new Error(`${what} on port ${port} did not start`);
    await sleep(50);
  }
}

/** PostgreSQL 15 (Debian's), C collation, fsync off, trust auth over TCP on 127.0.0.1, plus a database "cachetest". */
export async function startPostgres(port: number): Promise<DatabaseServer> {
  await mkdir(RUN, { recursive: true });
  const base = join(RUN, "pg-template");
  // initdb and postgres refuse to run as root: both run as the postgres user, in directories it owns.
  await template(base, async (tmp) => {
    await mkdir(tmp, { recursive: true });
    await run("chown", ["postgres", tmp]);
    await run("runuser", [
      "-u",
      "postgres",
      "--",
      `${PG_BIN}/initdb`,
      "-D",
      tmp,
      "-A",
      "trust",
      "-U",
      "postgres",
      "--no-sync",
      "-E",
      "UTF8",
      "--locale=C",
    ]);
  });
  const dir = join(RUN, `pg-${port}`);
  await rm(dir, { recursive: true, force: true });
  await cp(base, dir, { recursive: true });
  await run("chown", ["-R", "postgres", dir]);
  await run("chmod", ["700", dir]);
  await run("runuser", [
    "-u",
    "postgres",
    "--",
    `${PG_BIN}/pg_ctl`,
    "-D",
    dir,
    "-l",
    join(dir, "log"),
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    "start",
  ]);
  await waitFor(port, "postgres");
  const pid = Number((await run("head", ["-1", join(dir, "postmaster.pid")])).stdout.trim());
  let ready = false;
  for (let i = 0; i < 200 && !ready; i++) {
    ready = await run("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-c", "CREATE DATABASE cachetest"]).then(
      () => true,
      async () => (await sleep(50), false),
    );
  }
  if (!ready) throw new Error(`postgres on ${port}: could not create the test database`);
  return {
    port,
    pid,
    entry: { ENGINE: "django.db.backends.postgresql", NAME: "cachetest", USER: "postgres", HOST: "127.0.0.1", PORT: String(port) },
    stop: () => stopPid(pid, dir),
  };
}

/** MariaDB (Debian's), utf8mb4, root with an empty password over TCP on 127.0.0.1, plus a database "cachetest". */
export async function startMariadb(port: number): Promise<DatabaseServer> {
  await mkdir(RUN, { recursive: true });
  const base = join(RUN, "mariadb-template");
  await template(base, async (tmp) => {
    await run("mariadb-install-db", [
      "--no-defaults",
      `--datadir=${tmp}`,
      "--auth-root-authentication-method=normal",
      "--user=root",
      "--skip-test-db",
    ]);
  });
  const dir = join(RUN, `mariadb-${port}`);
  await rm(dir, { recursive: true, force: true });
  await cp(base, dir, { recursive: true });
  const pidfile = join(dir, "mariadbd.pid");
  const child = spawn(
    "mariadbd",
    [
      "--no-defaults",
      `--datadir=${dir}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--socket=${join(dir, "sock")}`,
      `--pid-file=${pidfile}`,
      "--user=root",
      "--skip-log-bin",
      "--innodb-buffer-pool-size=128M",
      "--innodb-flush-log-at-trx-commit=0",
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_general_ci",
      `--log-error=${join(dir, "error.log")}`,
    ],
    { detached: true, stdio: "ignore" },
  );
  child.unref();
  await waitFor(port, "mariadbd");
  let pid = 0;
  for (let i = 0; i < 200 && !pid; i++) {
    pid = (await exists(pidfile)) ? Number((await run("cat", [pidfile])).stdout.trim()) : 0;
    if (!pid) await sleep(25);
  }
  await run("mariadb", ["-h127.0.0.1", `-P${port}`, "-uroot", "-e", "CREATE DATABASE cachetest CHARACTER SET utf8mb4"]);
  return {
    port,
    pid,
    entry: { ENGINE: "django.db.backends.mysql", NAME: "cachetest", USER: "root", PASSWORD: "", HOST: "127.0.0.1", PORT: String(port) },
    stop: () => stopPid(pid, dir),
  };
}
