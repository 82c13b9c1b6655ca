/**
 * Backs off wrong-token attempts per client: a few free attempts, then each wrong one doubles the wait.
 * In memory and bounded: idle clients are forgotten, and past `maxClients` the least recently seen goes.
 */

export interface ThrottleOptions {
  /** Wrong attempts allowed before any wait. */
  free: number;
  /** The first wait, doubled for each further wrong attempt. */
  baseMs: number;
  maxMs: number;
  maxClients: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { free: 5, baseMs: 1000, maxMs: 15 * 60_000, maxClients: 10_000 };

interface ClientState {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class LoginThrottle {
  private readonly clients = new Map<string, ClientState>();

  constructor(private readonly options: ThrottleOptions = DEFAULT_THROTTLE) {}

  /** May this client try a token now? */
  check(client: string, now: number = Date.now()): ThrottleVerdict {
    const state = this.current(client, now);
    if (!state || state.blockedUntil <= now) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((state.blockedUntil - now) / 1000)) };
  }

  /** A wrong token: counts, and past the free attempts sets the next wait. */
  fail(client: string, now: number = Date.now()): void {
    const state = this.current(client, now) ?? { failures: 0, blockedUntil: 0, lastFailure: now };
    state.failures += 1;
    state.lastFailure = now;
    const over = state.failures - this.options.free;
    if (over > 0) state.blockedUntil = now + Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(over - 1, 30));
    // Re-inserted so the map's order is least recently failed first: that one goes when the map is full.
    this.clients.delete(client);
    this.clients.set(client, state);
    while (this.clients.size > this.options.maxClients) {
      const oldest = this.clients.keys().next();
      if (oldest.done) break;
      this.clients.delete(oldest.value);
    }
  }

  /** A right token: the client starts afresh. */
  succeed(client: string): void {
    this.clients.delete(client);
  }

  get size(): number {
    return this.clients.size;
  }

  /** The client's state, or undefined once it has been idle for the longest wait (it has served any wait by then). */
  private current(client: string, now: number): ClientState | undefined {
    const state = this.clients.get(client);
    if (state && now - state.lastFailure > this.options.maxMs && state.blockedUntil <= now) {
      this.clients.delete(client);
      return undefined;
    }
    return state;
  }
}

/**
 * The key a client is throttled under: its address, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64 (one host
 * usually holds a whole /64, so per-address keys would let it rotate freely).
 */
export function clientKey(address: string | null | undefined): string {
  const a = (address ?? "")
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  if (!a) return "unknown";
  const mapped = a.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return mapped[1]!;
  if (!a.includes(":")) return a;
  const [head = "", tail = ""] = a.split("::", 2);
  const left = head ? head.split(":") : [];
  const right = a.includes("::") && tail ? tail.split(":") : [];
  const groups = a.includes("::") ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
