import type Redis from "ioredis";
import { parseRawKey } from "@/lib/django/keys";
import { messageOf } from "../errors";
import type { HealthSection, RedisServerHealth, SlowlogEntry } from "../types";

/**
 * The Redis health panel of one server: SLOWLOG GET, LATENCY LATEST, LATENCY DOCTOR, MEMORY DOCTOR and the top
 * commands of INFO commandstats. Each is one cheap command, sent together (one round trip) and judged alone: a
 * command an ACL denies or a rename hides makes its own section unavailable, with the server's words, and no other.
 */

/** Slow log entries asked for (the server keeps slowlog-max-len, 128 by default). */
export const SLOWLOG_ENTRIES = 32;
export const TOP_COMMANDS = 10;

/** Commands whose keys are not their first argument: where the keys are, as [index of numkeys, first key]. */
const NUMKEYS_AT: Record<string, number> = { eval: 2, evalsha: 2, eval_ro: 2, evalsha_ro: 2, fcall: 2, fcall_ro: 2 };
/** Commands with a subcommand before the key (OBJECT IDLETIME key, MEMORY USAGE key). */
const KEY_SECOND = new Set(["object", "memory"]);
/** Commands without a key at all (the slow log then names no namespace). */
const KEYLESS = new Set([
  "debug",
  "info",
  "config",
  "slowlog",
  "latency",
  "client",
  "scan",
  "keys",
  "flushdb",
  "flushall",
  "dbsize",
  "ping",
  "select",
  "script",
  "function",
  "acl",
  "cluster",
  "command",
  "multi",
  "exec",
]);

/** The first key a logged command names, or null: args are as the slow log keeps them (each cut at 128 bytes). */
export function keyOfCommand(args: string[]): string | null {
  const name = (args[0] ?? "").toLowerCase();
  if (KEYLESS.has(name)) return null;
  if (KEY_SECOND.has(name)) return args[2] ?? null;
  const numkeysAt = NUMKEYS_AT[name];
  if (numkeysAt !== undefined) return Number(args[numkeysAt]) > 0 ? (args[numkeysAt + 1] ?? null) : null;
  return args[1] ?? null;
}

/** The key up to its last ":" or "." (the analysis's namespace of a key). */
function namespaceOf(key: string): string {
  const at = Math.max(key.lastIndexOf(":"), key.lastIndexOf("."));
  return at < 0 ? "" : key.slice(0, at + 1);
}

function text(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
}

/** SLOWLOG GET's reply: [id, unix time, microseconds, [args...], client address, client name] per entry. */
export function parseSlowlog(reply: unknown, keyPrefix: string): SlowlogEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((e): SlowlogEntry[] => {
    if (!Array.isArray(e) || e.length < 4 || !Array.isArray(e[3])) return [];
    const args = (e[3] as unknown[]).map(text);
    const raw = keyOfCommand(args);
    const parsed = raw === null ? null : parseRawKey(raw, keyPrefix);
    return [
      {
        id: Number(e[0]),
        at: Number(e[1]) * 1000,
        micros: Number(e[2]),
        // The command and its key only: the other arguments are values, which may be anyone's data.
        command: (args[0] ?? "").toUpperCase(),
        args: args.length - 1,
        rawKey: raw,
        key: parsed?.key ?? null,
        namespace: parsed ? namespaceOf(parsed.key) : null,
        client: typeof e[4] === "string" || Buffer.isBuffer(e[4]) ? text(e[4]) : null,
      },
    ];
  });
}

/** LATENCY LATEST: [event, unix time, latest ms, max ms] per event. */
export function parseLatencyLatest(reply: unknown): { event: string; at: number; latestMs: number; maxMs: number }[] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((e) =>
    Array.isArray(e) && e.length >= 4 ? [{ event: text(e[0]), at: Number(e[1]) * 1000, latestMs: Number(e[2]), maxMs: Number(e[3]) }] : [],
  );
}

/** INFO commandstats, largest total time first. */
export function parseCommandStats(
  info: string,
  top = TOP_COMMANDS,
): { command: string; calls: number; usec: number; usecPerCall: number }[] {
  const rows: { command: string; calls: number; usec: number; usecPerCall: number }[] = [];
  for (const line of info.split(/\r?\n/)) {
    const m = /^cmdstat_([^:]+):(.*)$/.exec(line);
    if (!m) continue;
    const fields = new Map(m[2].split(",").map((kv) => kv.split("=") as [string, string]));
    rows.push({
      command: m[1].replace("|", " ").toUpperCase(),
      calls: Number(fields.get("calls") ?? 0),
      usec: Number(fields.get("usec") ?? 0),
      usecPerCall: Number(fields.get("usec_per_call") ?? 0),
    });
  }
  return rows.sort((a, b) => b.usec - a.usec).slice(0, top);
}

function section<T>(settled: PromiseSettledResult<unknown>, parse: (v: unknown) => T): HealthSection<T> {
  if (settled.status === "rejected") return { ok: false, reason: messageOf(settled.reason) };
  return { ok: true, value: parse(settled.value) };
}

/** A server that could not be asked at all: every section says why. */
export function downHealth(server: string, reason: string): RedisServerHealth {
  const down = { ok: false as const, reason };
  return { server, at: Date.now(), slowlog: down, latency: down, latencyDoctor: down, memoryDoctor: down, commands: down };
}

export async function redisServerHealth(client: Redis, server: string, keyPrefix: string): Promise<RedisServerHealth> {
  const [slowlog, latest, latencyDoctor, memoryDoctor, commandstats] = await Promise.allSettled([
    client.call("SLOWLOG", "GET", SLOWLOG_ENTRIES),
    client.call("LATENCY", "LATEST"),
    client.call("LATENCY", "DOCTOR"),
    client.call("MEMORY", "DOCTOR"),
    client.info("commandstats"),
  ]);
  return {
    server,
    at: Date.now(),
    slowlog: section(slowlog, (v) => parseSlowlog(v, keyPrefix)),
    latency: section(latest, parseLatencyLatest),
    latencyDoctor: section(latencyDoctor, text),
    memoryDoctor: section(memoryDoctor, text),
    commands: section(commandstats, (v) => parseCommandStats(text(v))),
  };
}
