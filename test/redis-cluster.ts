import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Redis from "ioredis";
import { startRedisServer, type RedisServerHandle } from "./redis-server";

/**
 * A throwaway Redis Cluster for integration tests, e2e and benchmarks: one redis-server per port with
 * `--cluster-enabled yes` (its nodes.conf in the daemon's own temp dir), joined by `redis-cli --cluster create`, each
 * node stopped by its pid. `cluster-node-timeout` is short so a killed primary's replica takes over within seconds.
 */

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RedisClusterHandle {
  ports: number[];
  nodes: Map<number, RedisServerHandle>;
  /** The primary serving `slot`, by port (CLUSTER SLOTS as the node on `askPort` sees it). */
  primaryOf(slot: number, askPort?: number): Promise<number>;
  /** Stops one node by its pid (a crash, as far as the cluster can tell). */
  kill(port: number): Promise<void>;
  /** Resolves once every live node says cluster_state:ok, agrees on who serves every slot, and every replica has synced. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Six ports make three primaries with a replica each; three make three primaries. */
  ports: number[];
  replicas?: number;
  nodeTimeoutMs?: number;
  args?: string[];
}

async function clusterInfo(port: number): Promise<Map<string, string> | null> {
  const client = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 500 });
  try {
    await client.connect();
    const text = String(await client.call("CLUSTER", "INFO"));
    return new Map(text.split(/\r?\n/).flatMap((line) => (line.includes(":") ? [line.split(":", 2) as [string, string]] : [])));
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** True for a primary, or for a replica whose link to its primary is up (it has synced: it can be promoted). */
async function synced(port: number): Promise<boolean> {
  const client = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 500 });
  try {
    await client.connect();
    const text = await client.info("replication");
    return /^role:master/m.test(text) || /^master_link_status:up/m.test(text);
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function slotOwners(port: number): Promise<string | null> {
  const client = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 500 });
  try {
    await client.connect();
    const slots = (await client.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
    return slots
      .map(([from, to, [, p]]) => `${from}-${to}@${p}`)
      .sort()
      .join(",");
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

export async function startRedisCluster(opts: ClusterOptions): Promise<RedisClusterHandle> {
  const nodes = new Map<number, RedisServerHandle>();
  const live = () => [...nodes.keys()].filter((p) => p > 0);
  const stopAll = () => Promise.all([...nodes.values()].map((n) => n.stop()));
  try {
    for (const port of opts.ports) {
      const handle = await startRedisServer({
        port,
        args: [
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          "nodes.conf",
          "--cluster-node-timeout",
          String(opts.nodeTimeoutMs ?? 1000),
          // Replicas sync at once (not after the default 5 s): one that never synced is not promoted.
          "--repl-diskless-sync-delay",
          "0",
          ...(opts.args ?? []),
        ],
      });
      nodes.set(port, handle);
    }
    await run("redis-cli", [
      "--cluster",
      "create",
      ...opts.ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      String(opts.replicas ?? 1),
      "--cluster-yes",
    ]);
  } catch (err) {
    await stopAll();
    throw err;
  }

  const settled = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const infos = await Promise.all(live().map(clusterInfo));
      const owners = await Promise.all(live().map(slotOwners));
      const links = await Promise.all(live().map(synced));
      const ok =
        infos.every((i) => i?.get("cluster_state") === "ok" && i.get("cluster_slots_assigned") === "16384") && links.every(Boolean);
      if (ok && owners.every((o) => o !== null && o === owners[0])) return;
      if (Date.now() > deadline) throw new Error(`cluster on ${opts.ports.join(",")} did not settle`);
      await sleep(100);
    }
  };
  try {
    await settled();
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    ports: opts.ports,
    nodes,
    settled,
    async primaryOf(slot, askPort) {
      const port = askPort ?? live()[0];
      const client = new Redis({ port });
      try {
        const slots = (await client.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
        const range = slots.find(([from, to]) => slot >= from && slot <= to);
        if (!range) throw new Error(`slot ${slot} has no primary`);
        return range[2][1];
      } finally {
        client.disconnect();
      }
    },
    async kill(port) {
      const node = nodes.get(port);
      if (!node) return;
      process.kill(node.pid, "SIGKILL");
      nodes.delete(port);
      // Its temp dir goes with the others at stop(); stopping a dead pid is harmless.
      nodes.set(-port, node);
    },
    async stop() {
      await stopAll();
    },
  };
}
