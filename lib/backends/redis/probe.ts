import type { ProbeClient } from "../types";
import { pickledBytes } from "../probe-value";
import { RedisConnection } from "./connection";
import type { RedisTarget } from "./location";

/**
 * The probe's client on one Redis node: a connection of its own (as each Django process has), writing the way Django's
 * RedisCache does (SET key <pickle> EX ttl). A full server refuses the SET (OOM ... maxmemory), which is the reason given.
 */
export function redisProbeClient(target: RedisTarget): ProbeClient {
  const conn = new RedisConnection(target);
  return {
    async set(raw, payload, ttlSeconds) {
      const reply = await conn.run((c) => c.set(raw, Buffer.from(pickledBytes(payload)), "EX", ttlSeconds));
      if (reply !== "OK") throw new Error(`SET answered ${String(reply)}`);
    },
    async get(raw) {
      return (await conn.run((c) => c.getBuffer(raw))) !== null;
    },
    async delete(raw) {
      return (await conn.run((c) => c.del(raw))) > 0;
    },
    close: () => conn.close(),
  };
}
