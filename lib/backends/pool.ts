import { BackendError, messageOf } from "./errors";
import type { BackendStatus, KeyRow } from "@/lib/backends/types";

/**
 * Fan-out over the servers of a pool (memcached pools, Redis shards), with one rule for everyone:
 * - status: ok only when every server answers. A pool with a server down loses the keys hashed to it (they miss), so
 *   the alias is not ok; `error` says how many of how many are down and why, and `servers` says which.
 * - a call on every server reports each server's failure by name, after the others were done.
 * - a listed row naming a server not in the pool is refused before anything is deleted (invalid_input).
 */

export type ServerStatus = NonNullable<BackendStatus["servers"]>[number];

export type Outcome<T> = { server: string; ok: true; value: T } | { server: string; ok: false; error: string; cause: unknown };

/** fn on every server at once; each server's result or error, in the pool's order. */
export async function fanOut<S extends { label: string }, T>(servers: readonly S[], fn: (server: S) => Promise<T>): Promise<Outcome<T>[]> {
  const settled = await Promise.allSettled(servers.map(fn));
  return settled.map((r, i) =>
    r.status === "fulfilled"
      ? { server: servers[i].label, ok: true, value: r.value }
      : { server: servers[i].label, ok: false, error: messageOf(r.reason), cause: r.reason },
  );
}

/** A down server's error, naming it once. */
function named(s: ServerStatus): string {
  const error = s.error ?? "no answer";
  return error.startsWith(s.server) ? error : `${s.server}: ${error}`;
}

/** The pool's status from its servers' (the rule above). */
export function poolStatus(servers: ServerStatus[]): BackendStatus {
  const down = servers.filter((s) => !s.ok);
  const up = servers.filter((s) => s.ok);
  return {
    ok: servers.length > 0 && down.length === 0,
    ...(up.length > 0 ? { latencyMs: Math.max(...up.map((s) => s.latencyMs ?? 0)) } : {}),
    ...(servers.length === 0
      ? { error: "no servers" }
      : down.length > 0
        ? { error: `${down.length} of ${servers.length} servers down: ${down.map(named).join("; ")}` }
        : {}),
    servers,
  };
}

/** Times `probe` on every server and applies the rule. */
export async function probeStatus<S extends { label: string }>(
  servers: readonly S[],
  probe: (server: S) => Promise<unknown>,
): Promise<BackendStatus> {
  const outcomes = await fanOut(servers, async (s) => {
    const started = performance.now();
    await probe(s);
    return Math.round((performance.now() - started) * 100) / 100;
  });
  return poolStatus(
    outcomes.map((o) => (o.ok ? { server: o.server, ok: true, latencyMs: o.value } : { server: o.server, ok: false, error: o.error })),
  );
}

/**
 * One error naming every server that failed, after `done` (what the others did); its code is theirs when they all
 * failed the same way (every server unreachable is "unreachable"), else "server". Null when none failed.
 */
export function failureOf(outcomes: Outcome<unknown>[], done: string): BackendError | null {
  const failed = outcomes.flatMap((o) => (o.ok ? [] : [o]));
  if (failed.length === 0) return null;
  const codes = new Set(failed.map((f) => (f.cause instanceof BackendError ? f.cause.code : "server")));
  const code = codes.size === 1 ? [...codes][0] : "server";
  const server = failed.length === 1 ? failed[0].server : "";
  return new BackendError(code, `${done}, but ${failed.length} server(s) failed: ${failed.map((f) => f.error).join("; ")}`, server);
}

/** The sum over the servers; if any failed, an error naming each that still says how much was done elsewhere. */
export function sumOrThrow(outcomes: Outcome<number>[], what: string): number {
  const total = outcomes.reduce((n, o) => n + (o.ok ? o.value : 0), 0);
  const failure = failureOf(outcomes, `${what} ${total}`);
  if (failure) throw failure;
  return total;
}

/** Listed rows by the server that listed them; a row naming no server of the pool refuses the whole batch. */
export function rowsByServer<S>(rows: KeyRow[], byLabel: ReadonlyMap<string, S>): Map<S, KeyRow[]> {
  const out = new Map<S, KeyRow[]>();
  for (const row of rows) {
    const server = row.server === undefined ? undefined : byLabel.get(row.server);
    if (server === undefined) throw new BackendError("invalid_input", `row names no server of this pool: ${String(row.server)}`);
    const list = out.get(server);
    if (list) list.push(row);
    else out.set(server, [row]);
  }
  return out;
}
