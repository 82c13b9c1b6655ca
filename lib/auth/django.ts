import { createHmac, timingSafeEqual } from "node:crypto";
import type { Role } from "./access";
import { nowSeconds } from "./session";

/** A Django user the companion vouched for (integrations/django cachescope_django/assertion.py). */
export interface Person {
  username: string;
  /** The user's primary key as text: custom user models may use UUIDs. */
  userId: string;
}

/** Both sides refuse a shorter shared secret: HMAC-SHA256 is only as strong as its key. */
export const MIN_DJANGO_SECRET_BYTES = 32;
/** The companion issues assertions for at most this long; a longer-lived one is refused. */
export const MAX_ASSERTION_SECONDS = 60;
/** Clock difference tolerated between the Django servers and the console. */
export const SKEW_SECONDS = 15;
const MAX_ASSERTION_LENGTH = 4096;

export type AssertionFailure = "malformed" | "signature" | "expired" | "future" | "lifetime" | "replayed" | "audience" | "busy";

export type AssertionResult =
  { ok: true; person: Person; role: Role; nonce: string; expiresAt: number } | { ok: false; reason: AssertionFailure; message: string };

function fail(reason: AssertionFailure, message: string): AssertionResult {
  return { ok: false, reason, message };
}

export function signAssertionPayload(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload).digest("base64url");
}

/** The origin of a URL, or null when it is not an http(s) URL. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * Nonces accepted, each kept until its assertion expires: an assertion is accepted once. Bounded: when full of
 * unexpired nonces, new logins are refused (never an old nonce forgotten early, which would let it be replayed).
 */
export class NonceBook {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Records the nonce; false when it was already used, or the book is full ("busy"). */
  take(nonce: string, expiresAt: number, now: number = nowSeconds()): "ok" | "replayed" | "busy" {
    if (this.seen.has(nonce)) return "replayed";
    if (this.seen.size >= this.capacity) {
      for (const [n, until] of this.seen) if (until < now) this.seen.delete(n);
      if (this.seen.size >= this.capacity) return "busy";
    }
    // Kept past the expiry by the skew: an assertion is accepted up to then.
    this.seen.set(nonce, expiresAt + SKEW_SECONDS);
    return "ok";
  }

  get size(): number {
    return this.seen.size;
  }
}

interface Payload {
  aud: string;
  uid: string;
  username: string;
  role: Role;
  iat: number;
  exp: number;
  nonce: string;
}

function parsePayload(text: string): Payload | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const p = value as Record<string, unknown>;
  const int = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
  if (typeof p.aud !== "string" || typeof p.uid !== "string" || !/^[^\s]{1,64}$/.test(p.uid)) return null;
  if (typeof p.username !== "string" || p.username.length < 1 || p.username.length > 150 || /[\u0000-\u001f\u007f]/.test(p.username))
    return null;
  if (p.role !== "admin" && p.role !== "viewer") return null;
  if (!int(p.iat) || !int(p.exp) || typeof p.nonce !== "string" || !/^[A-Za-z0-9_-]{16,64}$/.test(p.nonce)) return null;
  return { aud: p.aud, uid: p.uid, username: p.username, role: p.role, iat: p.iat, exp: p.exp, nonce: p.nonce };
}

export interface VerifyOptions {
  secret: string;
  /** This console's origin as the browser reached it: the assertion must be addressed to it. */
  origin: string;
  nonces: NonceBook;
  now?: number;
}

/**
 * Checks an assertion `base64url(JSON).base64url(HMAC-SHA256)`: signature (constant time) first, then the audience,
 * the times (bounded skew, at most 60 s of life), and last the nonce, so only a valid assertion uses one up.
 */
export function verifyAssertion(assertion: string | null | undefined, opts: VerifyOptions): AssertionResult {
  const now = opts.now ?? nowSeconds();
  if (!assertion || assertion.length > MAX_ASSERTION_LENGTH)
    return fail("malformed", "the sign-in link is missing its assertion or it is too long");
  const parts = assertion.split(".");
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]) || !/^[A-Za-z0-9_-]+$/.test(parts[1])) {
    return fail("malformed", "the sign-in assertion is not of the form payload.signature");
  }
  const [payloadText, mac] = parts as [string, string];
  const given = Buffer.from(mac, "base64url");
  const expected = Buffer.from(signAssertionPayload(opts.secret, payloadText), "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail(
      "signature",
      "the sign-in assertion's signature is not valid (altered, or CACHESCOPE_DJANGO_SECRET differs from the companion's DJANGO_SECRET)",
    );
  }
  const payload = parsePayload(payloadText);
  if (!payload) return fail("malformed", "the sign-in assertion is signed but its contents are not understood (companion version?)");
  if (originOf(payload.aud) !== opts.origin) {
    return fail(
      "audience",
      `the companion sent this sign-in to ${originOf(payload.aud) ?? JSON.stringify(payload.aud)} but this console is reached at ${opts.origin}: set CACHESCOPE["CONSOLE_URL"] in the Django settings to ${opts.origin}`,
    );
  }
  if (payload.exp - payload.iat > MAX_ASSERTION_SECONDS || payload.exp < payload.iat) {
    return fail("lifetime", `the sign-in assertion lives ${payload.exp - payload.iat} s; at most ${MAX_ASSERTION_SECONDS} s is accepted`);
  }
  if (payload.iat > now + SKEW_SECONDS)
    return fail("future", "the sign-in assertion is issued in the future: the Django server's clock is ahead of the console's");
  if (now > payload.exp + SKEW_SECONDS) return fail("expired", "the sign-in assertion has expired: sign in with Django again");
  const taken = opts.nonces.take(payload.nonce, payload.exp, now);
  if (taken === "replayed") return fail("replayed", "this sign-in assertion was already used: sign in with Django again");
  if (taken === "busy") return fail("busy", "too many sign-ins at once: try again in a minute");
  return {
    ok: true,
    person: { username: payload.username, userId: payload.uid },
    role: payload.role,
    nonce: payload.nonce,
    expiresAt: payload.exp,
  };
}
