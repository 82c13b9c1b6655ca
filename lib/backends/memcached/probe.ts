import { createHash } from "node:crypto";
import type { ProbeClient } from "../types";
import type { ServerAddress } from "./address";
import { DEFAULT_CONNECTION_OPTIONS, MemcachedClient } from "./client";

/** pymemcache's flag for a value stored as raw bytes (a Python `bytes` object is written as is). */
const FLAG_BYTES = 0;
/** Django passes timeouts over 30 days as absolute times; the probe's are always short. */
const MAX_RELATIVE_TTL = 2_592_000;

/**
 * The probe's client on a memcached server or pool: connections of its own (one per server, as each Django process
 * has), writing the way PyMemcacheCache stores a bytes value (`set`, flags 0). In a pool each key goes to one server
 * chosen by its hash, always the same for the key; the Python clients' own hashing is not reproduced (any spread will do).
 */
export function memcachedProbeClient(addresses: ServerAddress[]): ProbeClient {
  const clients = addresses.map((a) => new MemcachedClient(a, DEFAULT_CONNECTION_OPTIONS));
  // One server (the usual case): no hashing inside the timed call.
  const on = (raw: string): MemcachedClient =>
    clients.length === 1 ? clients[0] : clients[createHash("md5").update(raw).digest().readUInt32BE(0) % clients.length];
  return {
    set: (raw, payload, ttlSeconds) => on(raw).set(raw, payload, FLAG_BYTES, Math.min(ttlSeconds, MAX_RELATIVE_TTL)),
    get: async (raw) => (await on(raw).get(raw)) !== null,
    delete: (raw) => on(raw).delete(raw),
    close: async () => clients.forEach((c) => c.close()),
  };
}
