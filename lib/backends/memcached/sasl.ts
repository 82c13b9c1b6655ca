import memjs from "memjs";
import { connectionOf } from "@/lib/config/connection";
import type { CacheConfig } from "@/lib/config/types";
import { redactText } from "@/lib/config/secrets";
import { MemcachedError } from "./errors";
import { memcachedDecodeHint } from "./hint";
import { checkKey } from "./keys";
import { GET_NOTE } from "./read-note";
import { serverStats } from "./stats";
import { BackendError } from "../errors";
import { fanOut, probeStatus, sumOrThrow } from "../pool";
import { downServerStats } from "../server-stats";
import type { BackendStatus, CacheBackend, Capabilities, EntryRef, KeyPage, KeyRow, RawEntry, StatsSnapshot } from "../types";

/**
 * memcached servers that require SASL (pylibmc's OPTIONS binary + username + password). SASL exists only in the binary
 * protocol, which has no metadump, meta commands or watch: keys cannot be listed, reads are gets, and stats come
 * from the binary STAT command. memjs speaks it; one memjs client per server, so every server of a pool is asked
 * (memjs's own key hashing is not the Python clients').
 */

export interface SaslCredentials {
  username: string;
  password: string;
}

export const SASL_UNLISTED =
  "These servers require SASL authentication, which memcached offers only over its binary protocol, and the binary " +
  "protocol cannot list keys (no lru_crawler metadump). Open or delete exact keys; stats still work.";

/** pylibmc's OPTIONS (and python-memcached-style ones) carry the credentials as username / password. */
export function saslCredentials(config: CacheConfig): SaslCredentials | null {
  // The real OPTIONS: the config's own are masked for display.
  const { username, password } = connectionOf(config).options;
  return typeof username === "string" && typeof password === "string" ? { username, password } : null;
}

const CAPABILITIES: Capabilities = {
  listKeys: false,
  invalidatePrefix: false,
  serverStats: true,
  ttl: false,
  sizes: false,
  unlistedReason: SASL_UNLISTED,
};

interface Server {
  label: string;
  client: memjs.Client;
}

/** Socket errors that mean nothing answers there. */
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);

/** What memjs rejected with, as a BackendError code: it rejects with a bare string for a refused login. */
function failure(server: string, err: unknown): MemcachedError {
  const code = typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : "";
  const message = err instanceof Error ? err.message : typeof err === "string" ? err : "";
  if (NETWORK.has(code) || /timed out connecting/.test(message))
    return new MemcachedError(`unreachable: ${redactText(message)}`, server, "unreachable");
  if (/timed out/.test(message)) return new MemcachedError(redactText(message), server, "timeout");
  if (/authentication failed/i.test(message)) return new MemcachedError(`SASL login refused (${message})`, server, "auth");
  // memjs rejects with nothing when the server closes the connection, which is how a refused login may end too.
  return new MemcachedError(message ? redactText(message) : "no answer: SASL login refused, or the server is unreachable", server);
}

function keyOf(ref: EntryRef): string {
  if (!("raw" in ref)) throw new BackendError("invalid_key", "memcached entries are addressed by raw key, not file");
  return checkKey(ref.raw);
}

function statsOf(client: memjs.Client): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    client.stats((err, _server, stats) => (err || !stats ? reject(err ?? new Error("no stats")) : resolve(stats)));
  });
}

class SaslMemcachedBackend implements CacheBackend {
  readonly capabilities = CAPABILITIES;
  private readonly servers: Server[];

  constructor(
    readonly config: CacheConfig,
    credentials: SaslCredentials,
  ) {
    this.servers = config.locations.map((label) => ({
      label,
      client: memjs.Client.create(label, { ...credentials, timeout: 2, conntimeout: 2, retries: 0, logger: { log: () => {} } }),
    }));
  }

  async status(): Promise<BackendStatus> {
    return probeStatus(this.servers, async (s) => {
      try {
        await statsOf(s.client);
      } catch (err) {
        throw failure(s.label, err);
      }
    });
  }

  async listKeys(): Promise<KeyPage> {
    throw new BackendError("listing_unavailable", SASL_UNLISTED);
  }

  async readEntry(ref: EntryRef, maxBytes: number): Promise<RawEntry | null> {
    const key = keyOf(ref);
    for (const s of this.servers) {
      let got: { value: Buffer | null; flags: Buffer | null };
      try {
        got = await s.client.get(key);
      } catch (err) {
        throw failure(s.label, err);
      }
      if (got.value === null) continue;
      const flags = got.flags && got.flags.length >= 4 ? got.flags.readUInt32BE(0) : 0;
      return {
        raw: key,
        type: "item",
        ttl: null,
        size: got.value.length,
        bytes: new Uint8Array(got.value.subarray(0, maxBytes)),
        valueLength: got.value.length,
        hint: memcachedDecodeHint(this.config, flags) ?? undefined,
        notes: [`${GET_NOTE}; the binary protocol SASL needs has no way to read without one, nor to tell the expiry`],
      };
    }
    return null;
  }

  async deleteEntries(refs: EntryRef[]): Promise<number> {
    const keys = refs.map(keyOf);
    // Every server (the clients' hashing is not reproduced); one down is named after the others were done.
    const outcomes = await fanOut(this.servers, async (s) => {
      let deleted = 0;
      for (const key of keys) {
        try {
          if (await s.client.delete(key)) deleted++;
        } catch (err) {
          throw failure(s.label, err);
        }
      }
      return deleted;
    });
    return sumOrThrow(outcomes, "deleted");
  }

  deleteListed(rows: KeyRow[]): Promise<number> {
    return this.deleteEntries(rows.map((r) => ({ raw: r.raw ?? "" })));
  }

  async *iterate(): AsyncIterable<KeyRow[]> {
    throw new BackendError("listing_unavailable", SASL_UNLISTED);
  }

  async stats(): Promise<StatsSnapshot> {
    const outcomes = await fanOut(this.servers, async (s) => {
      let general: Record<string, string>;
      try {
        general = await statsOf(s.client);
      } catch (err) {
        throw failure(s.label, err);
      }
      return serverStats(s.label, new Map(Object.entries(general)), new Map(), new Map(), new Map());
    });
    const servers = outcomes.map((o) => (o.ok ? o.value : downServerStats(o.server, o.error)));
    return { at: Date.now(), supported: true, serverWide: true, servers };
  }

  async close(): Promise<void> {
    for (const s of this.servers) s.client.close();
  }
}

export function createSaslMemcachedBackend(config: CacheConfig, credentials: SaslCredentials): CacheBackend {
  return new SaslMemcachedBackend(config, credentials);
}
