import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Role } from "./access";
import type { Person } from "./django";

export const SESSION_COOKIE = "cachescope_session";

/** What a valid session cookie says: which session, whose role, issued when (seconds since the epoch), and for whom. */
export interface Session {
  sid: string;
  role: Role;
  issuedAt: number;
  /** The Django user a "Sign in with Django" session is for; absent for a token login. */
  person?: Person;
}

/**
 * The key session cookies are signed with, derived from both tokens: changing either logs everyone out.
 * The role is part of what is signed, so a viewer cannot turn their cookie into an admin's.
 */
export function sessionKey(token: string, viewerToken: string | null): Buffer {
  return createHmac("sha256", token)
    .update(`cachescope session key\0${viewerToken ?? ""}`)
    .digest();
}

function sign(key: Buffer, sid: string, role: Role, issuedAt: number, person?: string): string {
  // v2 (token logins, 4 parts) stays as it was: cookies issued before people could sign in remain valid.
  const text = person === undefined ? `session:v2:${sid}:${role}:${issuedAt}` : `session:v3:${sid}:${role}:${issuedAt}:${person}`;
  return createHmac("sha256", key).update(text).digest("base64url");
}

function encodePerson(person: Person): string {
  return Buffer.from(JSON.stringify([person.userId, person.username])).toString("base64url");
}

function decodePerson(text: string): Person | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== "string" || typeof value[1] !== "string") return null;
    return { userId: value[0], username: value[1] };
  } catch {
    return null;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A new session cookie value: a random id, the role, the issue time and the person if any, signed. */
export function newSessionValue(key: Buffer, role: Role, issuedAt: number = nowSeconds(), person?: Person): Session & { value: string } {
  const sid = randomBytes(12).toString("base64url");
  if (!person) return { sid, role, issuedAt, value: `${sid}.${role}.${issuedAt}.${sign(key, sid, role, issuedAt)}` };
  const who = encodePerson(person);
  return { sid, role, issuedAt, person, value: `${sid}.${role}.${issuedAt}.${who}.${sign(key, sid, role, issuedAt, who)}` };
}

/** Clock skew tolerated for an issue time in the future (several server processes, a clock step). */
const SKEW_SECONDS = 60;

/** The session of a cookie value that is well signed and not expired, else null. Revocation is checked apart. */
export function verifySessionValue(
  key: Buffer,
  value: string | undefined,
  lifetimeSeconds: number,
  now: number = nowSeconds(),
): Session | null {
  if (!value || value.length > 1024) return null;
  const parts = value.split(".");
  if (parts.length !== 4 && parts.length !== 5) return null;
  const [sid, role, iat] = parts as [string, string, string];
  const mac = parts[parts.length - 1];
  const who = parts.length === 5 ? parts[3] : undefined;
  if (!/^[A-Za-z0-9_-]{16}$/.test(sid) || (role !== "admin" && role !== "viewer") || !/^\d{1,12}$/.test(iat)) return null;
  if (who !== undefined && !/^[A-Za-z0-9_-]{1,700}$/.test(who)) return null;
  const issuedAt = Number(iat);
  if (!sameText(mac, sign(key, sid, role, issuedAt, who))) return null;
  if (issuedAt > now + SKEW_SECONDS || now - issuedAt >= lifetimeSeconds) return null;
  if (who === undefined) return { sid, role, issuedAt };
  const person = decodePerson(who);
  return person ? { sid, role, issuedAt, person } : null;
}

/** Compares a given token with the expected one in constant time, whatever their lengths. */
export function tokenMatches(token: string, given: string | null | undefined): boolean {
  if (typeof given !== "string") return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(token), digest(given));
}

/**
 * Sessions logged out before their expiry, kept until then. Bounded: when full, the oldest-issued entry goes and
 * every session issued up to it is refused from then on, so dropping an entry never lets a revoked session back in.
 */
export class RevokedSessions {
  private readonly revoked = new Map<string, { issuedAt: number; expiresAt: number }>();
  /** Sessions issued at or before this time (seconds) are refused. */
  private issuedNoLaterThan = -1;

  constructor(private readonly capacity = 10_000) {}

  revoke(session: Session, lifetimeSeconds: number, now: number = nowSeconds()): void {
    this.prune(now);
    this.revoked.set(session.sid, { issuedAt: session.issuedAt, expiresAt: session.issuedAt + lifetimeSeconds });
    while (this.revoked.size > this.capacity) {
      let oldest: [string, number] | null = null;
      for (const [sid, e] of this.revoked) if (!oldest || e.issuedAt < oldest[1]) oldest = [sid, e.issuedAt];
      if (!oldest) break;
      this.revoked.delete(oldest[0]);
      this.issuedNoLaterThan = Math.max(this.issuedNoLaterThan, oldest[1]);
    }
  }

  isRevoked(session: Session): boolean {
    return session.issuedAt <= this.issuedNoLaterThan || this.revoked.has(session.sid);
  }

  get size(): number {
    return this.revoked.size;
  }

  private prune(now: number): void {
    for (const [sid, e] of this.revoked) if (e.expiresAt <= now) this.revoked.delete(sid);
  }
}
