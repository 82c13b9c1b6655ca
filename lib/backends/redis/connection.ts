import Redis from "ioredis";
import { toBackendError } from "./errors";
import type { RedisTarget } from "./location";

/** What a Redis node runs its calls through: one server (RedisConnection), or whichever server the sentinels name now. */
export interface NodeConnection {
  readonly target: RedisTarget;
  /**
   * Runs fn on a ready client. `epoch` names the server the calls go to: it changes when that server changes (a
   * failover), so work that must stay on one server (a SCAN cursor) can tell.
   */
  run<T>(fn: (client: Redis, epoch: number) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * One lazily opened connection to one Redis server, built to fail fast: no offline queue, no retries, no
 * automatic reconnect loop. A dead connection is replaced on the next call, so a server that comes back is
 * picked up without restarting the console, and a server that is down answers every call at once with the cause.
 */
export class RedisConnection implements NodeConnection {
  readonly target: RedisTarget;
  private current: Redis | null = null;
  private opening: Promise<Redis> | null = null;

  constructor(target: RedisTarget) {
    this.target = target;
  }

  /**
   * Runs fn on a ready client; any failure comes out as a BackendError naming the server. A kept connection
   * found dead (the server restarted, an idle timeout closed it) is replaced and fn tried once more on a fresh one;
   * a fresh connection that fails is not retried, so a down server answers at once.
   */
  async run<T>(fn: (client: Redis, epoch: number) => Promise<T>): Promise<T> {
    const reused = this.current?.status === "ready";
    let client: Redis | null = null;
    try {
      client = await this.client();
      return await fn(client, 0);
    } catch (err) {
      // A server that stopped answering (its host gone, no RST) leaves a socket that looks open: the next call dials again.
      if (client && isTimeout(err)) this.drop(client);
      if (!(reused && client && isConnectionLoss(err))) throw toBackendError(err, this.target.label);
      this.drop(client);
    }
    try {
      return await fn(await this.client(), 0);
    } catch (err) {
      throw toBackendError(err, this.target.label);
    }
  }

  client(): Promise<Redis> {
    if (this.current?.status === "ready") return Promise.resolve(this.current);
    this.opening ??= this.open().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private drop(client: Redis): void {
    if (this.current === client) this.current = null;
    client.disconnect();
  }

  private async open(): Promise<Redis> {
    this.current?.disconnect();
    this.current = null;
    const t = this.target;
    // The sentinels' answer is resolved before (sentinel-connection.ts): never fall back to ioredis's default server.
    if (!t.path && !t.host) throw new Error("no server to connect to");
    const client = new Redis({
      ...(t.path ? { path: t.path } : { host: t.host, port: t.port }),
      db: t.db,
      ...(t.username ? { username: t.username } : {}),
      ...(t.password ? { password: t.password } : {}),
      ...(t.tls ? { tls: { rejectUnauthorized: t.rejectUnauthorized, servername: t.host } } : {}),
      // RESP2 is what every Redis (and every managed look-alike) speaks; replies keep one shape.
      protocol: 2,
      lazyConnect: true,
      connectTimeout: t.connectTimeoutMs,
      commandTimeout: t.commandTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      // The ready check sends INFO, which a restricted ACL user may not be allowed to run.
      enableReadyCheck: false,
      disableClientInfo: true,
      // Lets an operator tell the console's connection apart in CLIENT LIST.
      connectionName: "cachescope",
    });
    // The first error says why a connect failed ("Connection is closed" from connect() does not).
    let firstError: unknown = null;
    client.on("error", (err: unknown) => {
      firstError ??= err;
    });
    try {
      await client.connect();
    } catch (err) {
      client.disconnect();
      throw firstError ?? err;
    }
    // Setup commands (AUTH, SELECT) that failed after the socket opened surface as an error event, then a close.
    if (client.status !== "ready") {
      client.disconnect();
      throw firstError ?? new Error("Connection is closed.");
    }
    firstError = null;
    this.current = client;
    return client;
  }

  async close(): Promise<void> {
    if (this.opening) await this.opening.catch(() => undefined);
    const client = this.current;
    this.current = null;
    if (client) await client.quit().catch(() => client.disconnect());
  }
}

function isTimeout(err: unknown): boolean {
  return /Command timed out/i.test(err instanceof Error ? err.message : "");
}

/** Errors that say the socket is gone, as opposed to a reply from a working server. */
function isConnectionLoss(err: unknown): boolean {
  const message = err instanceof Error ? err.message : "";
  return /Stream isn't writeable|Connection is closed|ECONNRESET|EPIPE|write after end/i.test(message);
}
