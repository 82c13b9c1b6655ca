import { SESSION_COOKIE, tokenMatches, verifySessionValue } from "./session";

export interface AccessSettings {
  token: string;
  readOnly: boolean;
}

export interface RequestFacts {
  method: string;
  authorization: string | null;
  cookie: string | undefined;
  origin: string | null;
  /** scheme://host of this site as the request reached it. */
  selfOrigin: string;
  /** A POST that only reads the cache (a size analysis): still same-origin checked, but allowed in read-only mode. */
  readsOnly?: boolean;
}

/** What a signed-in person may do: an admin changes caches, a viewer only reads. */
export type Role = "admin" | "viewer";

export type AccessResult =
  | { ok: true; actor: string; role: Role }
  | { ok: false; status: 401 | 403; code: string; message: string };

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isMutation(method: string): boolean {
  return MUTATIONS.has(method.toUpperCase());
}

/** Who is asking, and may they: bearer token or signed session cookie; same-origin and read-only checks on mutations. */
export function checkAccess(req: RequestFacts, settings: AccessSettings): AccessResult {
  const mutation = isMutation(req.method);
  const bearer = req.authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  let actor: string | null = null;
  let viaCookie = false;
  if (bearer !== undefined) {
    if (!tokenMatches(settings.token, bearer)) {
      return { ok: false, status: 401, code: "unauthorized", message: "the bearer token is not valid" };
    }
    actor = "token";
  } else {
    const sid = verifySessionValue(settings.token, req.cookie);
    if (sid) {
      actor = `session:${sid.slice(0, 8)}`;
      viaCookie = true;
    }
  }
  if (!actor) {
    return { ok: false, status: 401, code: "unauthorized", message: "log in first: POST /api/login with the token, or send Authorization: Bearer <token>" };
  }
  if (mutation && viaCookie && req.origin !== req.selfOrigin) {
    return { ok: false, status: 403, code: "cross_origin", message: `a change must come from this site (Origin ${req.origin ?? "missing"})` };
  }
  if (mutation && settings.readOnly && !req.readsOnly) {
    return { ok: false, status: 403, code: "read_only", message: "Cachescope runs read-only (CACHESCOPE_READ_ONLY=1): nothing can be changed" };
  }
  return { ok: true, actor, role: "admin" };
}

export { SESSION_COOKIE };
