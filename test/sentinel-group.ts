import Redis from "ioredis";
import type { Daemon } from "./daemon";
import { startRedisServer, type RedisServerHandle } from "./redis-server";
import { startSentinel } from "./redis-sentinel";

/**
 * A Sentinel-managed primary for failover tests: two redis-servers (a primary and its replica) and three sentinels
 * (quorum 2, short down-after and failover timeouts), each on its own port, stopped by pid. The test kills or fails
 * over the primary, brings the old one back as a replica, and waits until the group has settled again.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SentinelGroupSpec {
  service: string;
  /** Two server ports: the first starts as the primary. */
  serverPorts: [number, number];
  /** Three sentinel ports. */
  sentinelPorts: [number, number, number];
}

/** One command to a server or sentinel on 127.0.0.1 over a fresh connection; null when nothing answers. */
async function ask(port: number, ...args: (string | number)[]): Promise<unknown> {
  const client = new Redis({
    port,
    host: "127.0.0.1",
    connectTimeout: 1000,
    commandTimeout: 1000,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  // A stopped (SIGSTOP) process still accepts connections: bound the wait.
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await client.call(String(args[0]), ...args.slice(1).map(String));
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

function pairs(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

export class SentinelGroup {
  private servers = new Map<number, RedisServerHandle>();
  private sentinels: Daemon[] = [];

  private constructor(readonly spec: SentinelGroupSpec) {}

  static async start(spec: SentinelGroupSpec): Promise<SentinelGroup> {
    const group = new SentinelGroup(spec);
    try {
      const [first, second] = spec.serverPorts;
      group.servers.set(first, await startRedisServer({ port: first }));
      group.servers.set(second, await startRedisServer({ port: second, args: ["--replicaof", "127.0.0.1", String(first)] }));
      for (const port of spec.sentinelPorts) {
        group.sentinels.push(await startSentinel(port, spec.service, first, { quorum: 2, downAfterMs: 1000, failoverTimeoutMs: 2000 }));
      }
      await group.settled();
    } catch (err) {
      await group.stop();
      throw err;
    }
    return group;
  }

  /** The port every sentinel names as the primary, once they agree and it answers as one. */
  async settled(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      last = await this.unsettledBecause();
      if (last.startsWith("primary ")) return Number(last.slice("primary ".length));
      await sleep(100);
    }
    throw new Error(`sentinel group did not settle in ${timeoutMs} ms: ${last}`);
  }

  private async unsettledBecause(): Promise<string> {
    const named = new Set<string>();
    for (const port of this.spec.sentinelPorts) {
      const addr = await ask(port, "SENTINEL", "get-master-addr-by-name", this.spec.service);
      if (!Array.isArray(addr)) return `sentinel ${port} names no primary`;
      named.add(String(addr[1]));
      const master = pairs(await ask(port, "SENTINEL", "master", this.spec.service));
      if (master["num-other-sentinels"] !== "2") return `sentinel ${port} knows ${master["num-other-sentinels"]} other sentinels`;
      if (/down|failover/.test(master.flags ?? "")) return `sentinel ${port}: primary flags ${master.flags}`;
      const replicas = await ask(port, "SENTINEL", "replicas", this.spec.service);
      const healthy = (Array.isArray(replicas) ? replicas : [])
        .map(pairs)
        .filter((r) => !/down|disconnected/.test(r.flags ?? "") && r["master-link-status"] === "ok");
      if (healthy.length < 1) return `sentinel ${port} sees no healthy replica`;
    }
    if (named.size !== 1) return `sentinels disagree: ${[...named].join(", ")}`;
    const primary = Number([...named][0]);
    const role = await ask(primary, "ROLE");
    if (!Array.isArray(role) || role[0] !== "master") return `${primary} is not a primary`;
    for (const port of this.spec.serverPorts) {
      if (port === primary) continue;
      const info = String((await ask(port, "INFO", "replication")) ?? "");
      if (!info.includes(`master_port:${primary}`) || !info.includes("master_link_status:up")) return `${port} is not a synced replica`;
    }
    return `primary ${primary}`;
  }

  /** SIGKILL the primary (no shutdown, no goodbye to its clients), as a crash would. Returns its port. */
  async killPrimary(known?: number): Promise<number> {
    const port = known ?? (await this.settled());
    const server = this.servers.get(port);
    if (!server) throw new Error(`no server of this group on ${port}`);
    process.kill(server.pid, "SIGKILL");
    await server.stop();
    this.servers.delete(port);
    return port;
  }

  /** SENTINEL FAILOVER: the primary steps down, its replica is promoted. Returns the old primary's port. */
  async failover(): Promise<number> {
    const port = await this.settled();
    const reply = await ask(this.spec.sentinelPorts[0], "SENTINEL", "failover", this.spec.service);
    if (reply !== "OK") throw new Error(`SENTINEL FAILOVER answered ${String(reply)}`);
    return port;
  }

  /** Waits until the sentinels name a primary other than `old`; returns it. */
  async switchedFrom(old: number, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const addr = await ask(this.spec.sentinelPorts[0], "SENTINEL", "get-master-addr-by-name", this.spec.service);
      if (Array.isArray(addr) && Number(addr[1]) !== old) return Number(addr[1]);
      await sleep(50);
    }
    throw new Error(`the sentinels did not switch away from ${old} in ${timeoutMs} ms`);
  }

  /** Starts a killed server again on its port, as a replica of `primary` (what Sentinel would make of it anyway). */
  async restart(port: number, primary: number): Promise<void> {
    this.servers.set(port, await startRedisServer({ port, args: ["--replicaof", "127.0.0.1", String(primary)] }));
  }

  /** The old primary after a kill, back as a replica of the new one; then the whole group settled. */
  async recover(old: number): Promise<number> {
    const primary = await this.switchedFrom(old);
    if (!this.servers.has(old)) await this.restart(old, primary);
    return this.settled();
  }

  /** A command straight to one server (the test's own view, not the console's). */
  command(port: number, ...args: (string | number)[]): Promise<unknown> {
    return ask(port, ...args);
  }

  async stop(): Promise<void> {
    for (const s of this.sentinels) await s.stop().catch(() => undefined);
    for (const s of this.servers.values()) await s.stop().catch(() => undefined);
    this.sentinels = [];
    this.servers.clear();
  }
}
