import memjs from "memjs";
import { afterAll, beforeAll } from "vitest";
import type { CacheConfig } from "@/lib/config/types";
import { startMemcached, type MemcachedServerHandle } from "@/test/memcached-server";
import { testBackend } from "../contract";
import { memcached } from ".";

/** memcached against the contract: one server, a pool of two, and SASL (binary protocol: no listing). */
const SINGLE_PORT = 11286;
const POOL_PORTS = [11287, 11288];
const SASL_PORT = 11289;
/** Nothing listens there. */
const CLOSED_PORT = 1;
const USER = { username: "contract", password: "contract-pass" };

const servers: MemcachedServerHandle[] = [];
beforeAll(async () => {
  for (const port of [SINGLE_PORT, ...POOL_PORTS]) servers.push(await startMemcached({ port }));
  servers.push(await startMemcached({ port: SASL_PORT, sasl: USER }));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const config = (ports: number[], options: Record<string, unknown> = {}): CacheConfig => ({
  alias: "mc",
  backendPath: memcached.paths[0],
  locations: ports.map((p) => `127.0.0.1:${p}`),
  keyPrefix: "",
  version: 1,
  options,
  timeout: 300,
});

/** Writes each key to the server `where` picks for it (binary protocol: the text servers speak it too). */
async function write(keys: string[], where: (i: number) => number, credentials = {}): Promise<void> {
  const clients = new Map<number, memjs.Client>();
  try {
    for (const [i, key] of keys.entries()) {
      const port = where(i);
      let client = clients.get(port);
      if (!client) {
        client = memjs.Client.create(`127.0.0.1:${port}`, { ...credentials, logger: { log: () => {} } });
        clients.set(port, client);
      }
      await client.set(key, "v", {});
    }
  } finally {
    for (const c of clients.values()) c.close();
  }
}

testBackend({
  name: "memcached, one server",
  create: () => memcached.create(config([SINGLE_PORT])),
  closed: () => memcached.create(config([CLOSED_PORT])),
  seed: (keys) => write(keys, () => SINGLE_PORT),
  capabilities: { listKeys: true, stats: true },
});

testBackend({
  name: "memcached, a pool of two",
  create: () => memcached.create(config(POOL_PORTS)),
  closed: () => memcached.create(config([CLOSED_PORT, CLOSED_PORT + 1])),
  // Keys on both servers: the listing, reads and deletes must find each where it is.
  seed: (keys) => write(keys, (i) => POOL_PORTS[i % POOL_PORTS.length]),
  capabilities: { listKeys: true, stats: true },
});

const sasl = { binary: true, ...USER };
testBackend({
  name: "memcached with SASL",
  create: () => memcached.create(config([SASL_PORT], sasl)),
  closed: () => memcached.create(config([CLOSED_PORT], sasl)),
  seed: (keys) => write(keys, () => SASL_PORT, USER),
  capabilities: { listKeys: false, stats: true },
});
