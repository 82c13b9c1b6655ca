import type { Person } from "./django";
import { tokenMatches, verifySessionValue, type RevokedSessions, type Session } from "./session";

export interface AccessSettings {
  token: string;
  viewerToken: string | null;
  readOnly: boolean;
  /** Signs session cookies (sessionKey). */
  sessionKey: Buffer;
  sessionSeconds: number;
  revoked: RevokedSessions;
}

export interface RequestFacts {
  method: string;
  authorization: string | null;
  cookie: string | undefined;
  origin: string | null;
  /** scheme://host of this site as the request reached it. */
  selfOrigin: string;
  /** A POST that only reads the cache (a size analysis): still same-origin checked, but allowed read-only. */
  readsOnly?: boolean;
}

/** What a signed-in person may do: an admin changes caches, a viewer only reads. */
export type Role = "admin" | "viewer";

export type AccessResult =
  | { ok: true; actor: string; role: Role; person?: Person }
  | {
      ok: false;
      status: 401 | 403;
      code: string;
      message: string;
      /** A bearer token was given and is wrong: counts as a guess for the login backoff. */
      wrongToken?: boolean;
    };

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isMutation(method: string): boolean {
  return MUTATIONS.has(method.toUpperCase());
}

/** The role a token logs in as, or null for a wrong one. */
export function roleOfToken(token: string | null | undefined, settings: Pick<AccessSettings, "token" | "viewerToken">): Role | null {
  if (tokenMatches(settings.token, token)) return "admin";
  if (settings.viewerToken !== null && tokenMatches(settings.viewerToken, token)) return "viewer";
  return null;
}

/** The live session a cookie holds: well signed, not expired, not logged out. */
export function sessionOf(cookie: string | undefined, settings: AccessSettings): Session | null {
  const session = verifySessionValue(settings.sessionKey, cookie, settings.sessionSeconds);
  return session && !settings.revoked.isRevoked(session) ? session : null;
}

/**
 * Who is asking, and may they: bearer token or signed session cookie; on mutations the same-origin check for
 * cookies, then read-only mode, then the role (a viewer changes nothing). POSTs that only read pass the last two.
 */
export function checkAccess(req: RequestFacts, settings: AccessSettings): AccessResult {
  const mutation = isMutation(req.method);
  const bearer = req.authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  let actor: string;
  let role: Role;
  let viaCookie = false;
  let person: Person | undefined;
  if (bearer !== undefined) {
    const tokenRole = roleOfToken(bearer, settings);
    if (!tokenRole) return { ok: false, status: 401, code: "unauthorized", message: "the bearer token is not valid", wrongToken: true };
    role = tokenRole;
    actor = role === "admin" ? "token" : "viewer-token";
  } else {
    const session = sessionOf(req.cookie, settings);
    if (!session) {
      const message = req.cookie
        ? "the session has expired or was logged out: log in again"
        : "log in first: POST /api/login with the token, or send Authorization: Bearer <token>";
      return { ok: false, status: 401, code: "unauthorized", message };
    }
    role = session.role;
    person = session.person;
    // A person is named by their Django username; a token login only by its session.
    actor = person ? person.username : `session:${session.sid.slice(0, 8)}`;
    viaCookie = true;
  }
  if (mutation && viaCookie && req.origin !== req.selfOrigin) {
    return {
      ok: false,
      status: 403,
      code: "cross_origin",
      message: `a change must come from this site (Origin ${req.origin ?? "missing"})`,
    };
  }
  if (mutation && !req.readsOnly && settings.readOnly) {
    return {
      ok: false,
      status: 403,
      code: "read_only",
      message: "Cachescope runs read-only (CACHESCOPE_READ_ONLY=1): nothing can be changed",
    };
  }
  if (mutation && !req.readsOnly && role === "viewer") {
    return {
      ok: false,
      status: 403,
      code: "viewer",
      message: "this login is a viewer's (CACHESCOPE_VIEWER_TOKEN): it can read but change nothing",
    };
  }
  return person ? { ok: true, actor, role, person } : { ok: true, actor, role };
}

export { SESSION_COOKIE } from "./session";
