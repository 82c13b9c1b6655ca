import { defineBackend } from "../descriptor";
import { MEMCACHED_CLIENTS, memcachedDecodeHint } from "./hint";
import { createSaslMemcachedBackend, saslCredentials } from "./sasl";
import type { MemcachedExtra } from "./stats";
import { createTextMemcachedBackend } from "./text";

/**
 * memcached, a server or a pool: over the text protocol (text.ts), or, for servers that require SASL, the binary
 * protocol, which cannot list keys (sasl.ts).
 */
export const memcached = defineBackend<"memcached", MemcachedExtra>({
  kind: "memcached",
  paths: [...MEMCACHED_CLIENTS.keys()],
  location: { split: true, required: true },
  decodeHint: memcachedDecodeHint,
  serverWideCounters: true,
  statsScope: (servers) =>
    `Counters and memory are those of the whole memcached server${servers > 1 ? "s, summed over the pool" : ""}: other apps sharing ${servers > 1 ? "them" : "it"} count too.`,
  create: (config) => {
    const credentials = saslCredentials(config);
    return credentials ? createSaslMemcachedBackend(config, credentials) : createTextMemcachedBackend(config);
  },
});
