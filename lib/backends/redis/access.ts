import type Redis from "ioredis";
import type { ColdBasis } from "../types";
import { messageOf } from "../errors";
import type { AccessMode } from "./sized-scan";

/**
 * What a Redis server can say about how recently or often its keys were read: OBJECT IDLETIME under LRU policies
 * and noeviction (an LFU policy keeps a frequency counter instead, and refuses IDLETIME), OBJECT FREQ under LFU.
 * Asked once per walk: INFO server and memory, and OBJECT on a key that does not exist (nil where allowed, an
 * error where an ACL or a renamed command refuses it).
 */

export interface Access {
  mode: AccessMode;
  policy: string | null;
  version: string | null;
  /** CLIENT NO-TOUCH exists (Redis 7.2+): the console's own reads leave idle times and counters alone. */
  noTouch: boolean;
  /** Why mode is null. */
  reason: string | null;
}

const PROBE_KEY = "cachescope:access-probe:absent";

export const NO_TOUCH_READ = "read with CLIENT NO-TOUCH: its idle time and access counter are unchanged";
export const CLUSTER_TOUCHING_READ =
  "reading this entry reset its idle time and counted as an access (LRU/LFU): entry reads on a Redis Cluster do not use CLIENT NO-TOUCH";
export const TOUCHING_READ =
  "reading this entry reset its idle time and counted as an access (LRU/LFU): this server has no CLIENT NO-TOUCH (Redis 7.2+)";

function field(info: string, name: string): string | null {
  const m = new RegExp(`^${name}:(.*)$`, "m").exec(info);
  return m ? m[1].trim() : null;
}

/** Redis 7.2 or later, from "7.0.15"-style versions; unknown versions are assumed older. */
export function hasNoTouch(version: string | null): boolean {
  const m = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 7 || (major === 7 && minor >= 2);
}

export async function accessOf(client: Redis): Promise<Access> {
  let policy: string | null = null;
  let version: string | null = null;
  try {
    const [server, memory] = await Promise.all([client.info("server"), client.info("memory")]);
    version = field(server, "redis_version");
    policy = field(memory, "maxmemory_policy");
  } catch {
    // An ACL without INFO: the policy is unknown; OBJECT IDLETIME is tried (the default policy is noeviction).
  }
  const lfu = policy !== null && policy.includes("lfu");
  const base = { policy, version, noTouch: hasNoTouch(version) };
  try {
    await client.call("OBJECT", lfu ? "FREQ" : "IDLETIME", PROBE_KEY);
  } catch (err) {
    return { ...base, mode: null, reason: `OBJECT ${lfu ? "FREQ" : "IDLETIME"} is refused: ${messageOf(err)}` };
  }
  return { ...base, mode: lfu ? "freq" : "idle", reason: null };
}

export function coldBasisOf(access: Access, server: string): ColdBasis {
  const policy = access.policy ?? "unknown (INFO refused)";
  const reads = access.noTouch
    ? "This console reads entries with CLIENT NO-TOUCH: opening one does not change these figures."
    : `This server (Redis ${access.version ?? "of unknown version"}) has no CLIENT NO-TOUCH (7.2+): opening an entry in this console ` +
      "counts as an access and warms it; the analysis's own walk does not (SCAN, PTTL, MEMORY USAGE and OBJECT leave keys untouched).";
  if (access.mode === null) {
    return {
      basis: null,
      note: `${server}: idle times unavailable. ${access.reason ?? ""} Only entries that never expire are counted.`,
      idle1h: false,
      idle24h: false,
    };
  }
  if (access.mode === "freq") {
    return {
      basis: "lfu",
      note:
        `OBJECT FREQ (maxmemory-policy ${policy}): a logarithmic access counter, 0-255, that starts at 5 for a new key and ` +
        "decays by one per lfu-decay-time minutes unread; it tells how often, not when, a key was read, so idle figures are " +
        `not available. A counter of 0 marks keys rarely read and not lately. ${reads}`,
      idle1h: false,
      idle24h: false,
    };
  }
  return {
    basis: "idletime",
    note:
      `OBJECT IDLETIME (maxmemory-policy ${policy}): seconds since a key was last read or written, from the server's LRU ` +
      `clock (second resolution; approximate over about 194 days). "Never read" cannot be told apart from "read long ago". ${reads}`,
    idle1h: true,
    idle24h: true,
  };
}
