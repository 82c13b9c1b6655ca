import { BackendError, messageOf } from "../errors";

/**
 * Following a primary that moves (Sentinel today, Redis Cluster's slot owners next): any topology whose writable server
 * is named by someone else (sentinels, CLUSTER SHARDS) resolves it through a PrimaryFollower, which keeps the answer,
 * asks again when a call through it fails in a way that says the primary moved, and turns the failover window into an
 * explicit "reconnecting" error instead of the last server's refusal.
 */

/** Why a failure means "ask again where the primary is": the socket is gone, or the server is no longer the primary. */
export type FailoverCause = "connection" | "readonly";

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
const CONNECTION_WORDS = /Connection is closed|Stream isn't writeable|write after end|Command timed out|connect ETIMEDOUT|socket/i;

function errorCode(err: unknown): string | undefined {
  const code = typeof err === "object" && err !== null && "code" in err ? (err as { code: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** A reply or a socket error that says the primary may have moved; null for every other error (it is the caller's). */
export function failoverCause(err: unknown): FailoverCause | null {
  const message = messageOf(err);
  // A demoted primary answers writes so; MASTERDOWN is a replica that lost its primary (serve-stale-data no).
  if (/(^|: )(READONLY|MASTERDOWN)\b/.test(message)) return "readonly";
  if (err instanceof BackendError) return err.code === "unreachable" || err.code === "timeout" ? "connection" : null;
  if (CONNECTION_CODES.has(errorCode(err) ?? "")) return "connection";
  return CONNECTION_WORDS.test(message) ? "connection" : null;
}

/**
 * A resolver's failure that is worth waiting out: the ones asked answered, but what they name is not (yet) a primary
 * that answers. Nobody answering at all is not: that is said at once.
 */
function isStillLooking(err: unknown): boolean {
  return err instanceof BackendError && err.code === "reconnecting";
}

/** One answer of the resolver, numbered: a failure on an older generation does not throw away a newer answer. */
export interface Resolution<A> {
  readonly address: A;
  readonly generation: number;
}

/** Thrown by a call that must stay on one server (a SCAN cursor) when the primary changed under it. */
export class PrimaryMoved extends BackendError {
  constructor(server: string) {
    super(
      "reconnecting",
      `Redis ${server}: the primary failed over during this walk (a SCAN cursor does not carry over to another server)`,
      server,
    );
    this.name = "PrimaryMoved";
  }
}

export interface FollowOptions<A> {
  /** Says where the primary is now; throws when nobody can tell. */
  resolve: () => Promise<A>;
  /** Same server? Decides whether a fresh answer starts a new generation. */
  same: (a: A, b: A) => boolean;
  /** Shown in messages. */
  label: string;
  /** How long one call keeps asking again and retrying before it answers "reconnecting". */
  callWindowMs: number;
  /** Pause between two attempts of one call. */
  retryDelayMs: number;
  /** A failover that lasts longer than this is an outage: the errors say so (unreachable) instead of "reconnecting". */
  outageAfterMs: number;
  /** An answer older than this is checked again in the background, so a switch nobody's socket noticed is followed too. */
  recheckAfterMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class PrimaryFollower<A> {
  private resolved: (Resolution<A> & { at: number }) | null = null;
  /** The last answer adopted, kept when `resolved` is forgotten. */
  private last: Resolution<A> | null = null;
  private resolving: Promise<Resolution<A>> | null = null;
  private rechecking: Promise<void> | null = null;
  private generation = 0;
  /** When calls started failing over; null while the primary answers. */
  private troubleSince: number | null = null;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: FollowOptions<A>) {
    this.now = opts.now ?? (() => Date.now());
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** True between a failure that sent the follower looking and the next call that got through. */
  get reconnecting(): boolean {
    return this.troubleSince !== null;
  }

  /** The primary to use now: the kept answer, or the one resolution every waiting caller shares. */
  current(): Promise<Resolution<A>> {
    const kept = this.resolved;
    if (kept) {
      if (this.now() - kept.at >= this.opts.recheckAfterMs) this.recheck(kept);
      return Promise.resolve(kept);
    }
    this.resolving ??= this.opts
      .resolve()
      .then((address) => this.adopt(address))
      .finally(() => {
        this.resolving = null;
      });
    return this.resolving;
  }

  /** A call on `generation` failed the way a moved primary fails: forget that answer (a newer one is kept). */
  invalidate(generation: number): void {
    if (this.resolved?.generation === generation) this.resolved = null;
  }

  /**
   * Runs `attempt` on the current primary. A failure that says the primary moved sends the follower asking again and the
   * attempt is made once more on the answer, until callWindowMs is spent; then the call answers "reconnecting" (or,
   * once the trouble has lasted outageAfterMs, the last error itself). Other failures are thrown as they are.
   */
  async run<T>(attempt: (at: Resolution<A>) => Promise<T>): Promise<T> {
    const deadline = this.now() + this.opts.callWindowMs;
    for (;;) {
      let at: Resolution<A> | null = null;
      try {
        at = await this.current();
        const result = await attempt(at);
        this.troubleSince = null;
        return result;
      } catch (err) {
        if (!(at ? failoverCause(err) !== null && !(err instanceof PrimaryMoved) : isStillLooking(err))) throw err;
        if (at) this.invalidate(at.generation);
        this.troubleSince ??= this.now();
        if (this.now() + this.opts.retryDelayMs >= deadline) throw this.giveUp(err);
      }
      await this.sleep(this.opts.retryDelayMs);
    }
  }

  private giveUp(err: unknown): BackendError {
    // A slow reply is said as such: the answer was forgotten, so the next call asks again, but nothing says a failover.
    if (err instanceof BackendError && err.code === "timeout") return err;
    const since = this.troubleSince ?? this.now();
    if (this.now() - since >= this.opts.outageAfterMs) {
      return err instanceof BackendError
        ? err
        : new BackendError("unreachable", `Redis ${this.opts.label}: ${messageOf(err)}`, this.opts.label);
    }
    const cause = messageOf(err).replace(/^Redis \S+:?\s*/, "");
    return new BackendError(
      "reconnecting",
      `Redis ${this.opts.label}: reconnecting — the primary is failing over (${cause})`,
      this.opts.label,
    );
  }

  private adopt(address: A): Resolution<A> {
    // The same server answering again after a blip keeps its generation: a walk on it may go on.
    const last = this.last;
    const generation = last && this.opts.same(last.address, address) ? last.generation : ++this.generation;
    const resolution = { address, generation, at: this.now() };
    this.resolved = resolution;
    this.last = resolution;
    return resolution;
  }

  /** Asks again behind the callers' backs; a different answer becomes the next generation, a failed one changes nothing. */
  private recheck(kept: Resolution<A> & { at: number }): void {
    if (this.rechecking || this.resolving) return;
    this.rechecking = this.opts
      .resolve()
      .then((address) => {
        // A call's failure may have replaced the answer meanwhile: that one is newer than this check.
        if (this.resolved === kept || this.resolved === null) this.adopt(address);
      })
      .catch(() => {
        // The next call that fails will look again.
        if (this.resolved === kept) kept.at = this.now();
      })
      .finally(() => {
        this.rechecking = null;
      });
  }

  /** Waits for a background check in flight (tests, close). */
  async settle(): Promise<void> {
    await this.rechecking;
  }
}
