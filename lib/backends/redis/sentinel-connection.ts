import Redis from "ioredis";
import { BackendError, messageOf } from "../errors";
import { RedisConnection, type NodeConnection } from "./connection";
import { toBackendError } from "./errors";
import { PrimaryFollower } from "./failover";
import type { RedisTarget } from "./location";
import { primaryCandidates, type Address, type SentinelView } from "./sentinel";

/**
 * The connection of a django-redis SentinelClient alias: every sentinel of OPTIONS SENTINELS is asked, the newest view
 * wins, and the server it names must answer ROLE as a primary before any call goes there. Why not ioredis's own
 * sentinel mode: it dials whatever the first sentinel that answers names, without comparing it with the others and
 * (with the ready check off, as here) without checking the server's role, so one stale sentinel keeps a client on a
 * dead or demoted primary for as long as it stays stale.
 */

/**
 * A failover takes Sentinel's down-after-milliseconds plus an election (seconds): a call waits this long for it before
 * answering "reconnecting"; the kept answer is checked every recheckAfterMs, which bounds how long calls may still go to
 * a primary that was switched away from without dropping its clients yet (SENTINEL FAILOVER demotes it only later).
 */
export const SENTINEL_FOLLOW = { callWindowMs: 5_000, retryDelayMs: 250, outageAfterMs: 60_000, recheckAfterMs: 2_000 };

function quickClient(address: Address, target: RedisTarget, auth: { username?: string; password?: string }, tls: boolean): Redis {
  const client = new Redis({
    host: address.host,
    port: address.port,
    ...(auth.username ? { username: auth.username } : {}),
    ...(auth.password ? { password: auth.password } : {}),
    ...(tls ? { tls: { rejectUnauthorized: target.rejectUnauthorized, servername: address.host } } : {}),
    protocol: 2,
    lazyConnect: true,
    connectTimeout: target.connectTimeoutMs,
    // A sentinel or a candidate that takes longer than a connect to answer is not the one to follow.
    commandTimeout: target.connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableReadyCheck: false,
    disableClientInfo: true,
    connectionName: "cachescope",
  });
  client.on("error", () => undefined);
  return client;
}

function fields(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

async function askSentinel(sentinel: Address, target: RedisTarget, service: string): Promise<SentinelView> {
  const name = `${sentinel.host}:${sentinel.port}`;
  const client = quickClient(sentinel, target, { password: target.sentinelPassword }, false);
  try {
    await client.connect();
    const replies =
      (await client.pipeline().call("SENTINEL", "get-master-addr-by-name", service).call("SENTINEL", "master", service).exec()) ?? [];
    const [addrErr, addr] = replies[0] ?? [null, null];
    if (addrErr) throw addrErr;
    const [, master] = replies[1] ?? [null, null];
    const epoch = Number(fields(master)["config-epoch"] ?? -1);
    const address = Array.isArray(addr) && addr.length === 2 ? { host: String(addr[0]), port: Number(addr[1]) } : null;
    return { sentinel: name, address, epoch: Number.isFinite(epoch) ? epoch : -1 };
  } catch (err) {
    return { sentinel: name, address: null, epoch: -1, error: toBackendError(err, `sentinel ${name}`).message };
  } finally {
    client.disconnect();
  }
}

/** "master", "replica", or null when the server will not say (an ACL user without ROLE): then it is taken on trust. */
async function roleOf(address: Address, target: RedisTarget): Promise<"master" | "replica" | null> {
  const client = quickClient(address, target, target, target.tls);
  try {
    await client.connect();
    const role = await client.call("ROLE").catch((err: unknown) => {
      if (/^NOPERM|unknown command/i.test(messageOf(err))) return null;
      throw err;
    });
    if (role === null) return null;
    return Array.isArray(role) && role[0] === "master" ? "master" : "replica";
  } finally {
    client.disconnect();
  }
}

/** Asks every sentinel at once and returns the newest primary that answers as one. */
export async function resolvePrimary(target: RedisTarget): Promise<Address> {
  const service = target.sentinelName ?? "";
  const views = await Promise.all((target.sentinels ?? []).map((s) => askSentinel(s, target, service)));
  const label = target.label;
  if (views.every((v) => v.error)) {
    throw new BackendError(
      "unreachable",
      `Redis ${label} unreachable: no sentinel answers (${views.map((v) => v.error).join("; ")})`,
      label,
    );
  }
  const candidates = primaryCandidates(views);
  if (candidates.length === 0) {
    throw new BackendError("config", `Redis ${label}: no sentinel knows a service named "${service}"`, label);
  }
  const refused: string[] = [];
  for (const candidate of candidates) {
    try {
      if ((await roleOf(candidate, target)) !== "replica") return candidate;
      refused.push(`${candidate.host}:${candidate.port} is a replica`);
    } catch (err) {
      refused.push(toBackendError(err, `${candidate.host}:${candidate.port}`).message.replace(/^Redis /, ""));
    }
  }
  throw new BackendError("reconnecting", `Redis ${label}: no primary named by the sentinels answers as one (${refused.join("; ")})`, label);
}

/** One connection to whichever server the sentinels name now, replaced when that changes. */
export class SentinelConnection implements NodeConnection {
  readonly target: RedisTarget;
  private readonly follower: PrimaryFollower<Address>;
  private conn: { generation: number; connection: RedisConnection } | null = null;

  constructor(target: RedisTarget, follow = SENTINEL_FOLLOW) {
    this.target = target;
    this.follower = new PrimaryFollower<Address>({
      resolve: () => resolvePrimary(target),
      same: (a, b) => a.host === b.host && a.port === b.port,
      label: target.label,
      ...follow,
    });
  }

  run<T>(fn: (client: Redis, epoch: number) => Promise<T>): Promise<T> {
    return this.follower.run((at) => this.connectionTo(at.address, at.generation).run((client) => fn(client, at.generation)));
  }

  private connectionTo(address: Address, generation: number): RedisConnection {
    if (this.conn?.generation !== generation) {
      const old = this.conn?.connection;
      // Calls still running on the old primary finish or fail on their own; nothing new goes there.
      if (old) void old.close();
      const t = this.target;
      // The primary's own settings, without the sentinel fields: this connection goes straight to the server named.
      const at: RedisTarget = {
        host: address.host,
        port: address.port,
        db: t.db,
        ...(t.username ? { username: t.username } : {}),
        ...(t.password ? { password: t.password } : {}),
        tls: t.tls,
        rejectUnauthorized: t.rejectUnauthorized,
        connectTimeoutMs: t.connectTimeoutMs,
        commandTimeoutMs: t.commandTimeoutMs,
        label: `${t.label} at ${address.host}:${address.port}`,
      };
      this.conn = { generation, connection: new RedisConnection(at) };
    }
    return this.conn.connection;
  }

  async close(): Promise<void> {
    await this.follower.settle();
    await this.conn?.connection.close();
    this.conn = null;
  }
}
