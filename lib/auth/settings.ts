import { randomBytes } from "node:crypto";

export type AuthEnv = Record<string, string | undefined>;

/** Who may log in and for how long; read once at start from the environment. */
export interface AuthSettings {
  /** The admin token (CACHESCOPE_TOKEN, or a random one made at start). */
  token: string;
  tokenGenerated: boolean;
  /** CACHESCOPE_VIEWER_TOKEN: a login that only reads; null when unset. */
  viewerToken: string | null;
  /** How long a session cookie lasts (CACHESCOPE_SESSION_HOURS, default 12 h). */
  sessionSeconds: number;
  /** CACHESCOPE_TRUST_PROXY=1: X-Forwarded-Host/Proto/For come from a proxy we trust. */
  trustProxy: boolean;
}

/** Shorter tokens are guessable with the login backoff alone; 16 characters of a random token is ~96 bits. */
export const MIN_TOKEN_LENGTH = 16;
export const DEFAULT_SESSION_HOURS = 12;
const MAX_SESSION_HOURS = 24 * 30;

/** A setting the server cannot start with; the message says which variable and why. */
export class AuthConfigError extends Error {
  override name = "AuthConfigError";
}

function checkToken(name: string, value: string): string {
  if (value.length < MIN_TOKEN_LENGTH) {
    throw new AuthConfigError(
      `${name} is ${value.length} characters long; it must be at least ${MIN_TOKEN_LENGTH} (a long random string, e.g. \`openssl rand -base64 24\`), or unset ${name === "CACHESCOPE_TOKEN" ? "it to have one made at start" : "it"}`,
    );
  }
  return value;
}

function flag(value: string | undefined): boolean {
  return value === "1" || value === "true";
}

export function parseAuthSettings(env: AuthEnv): AuthSettings {
  const given = env.CACHESCOPE_TOKEN?.trim();
  const token = given ? checkToken("CACHESCOPE_TOKEN", given) : randomBytes(18).toString("base64url");
  const viewer = env.CACHESCOPE_VIEWER_TOKEN?.trim();
  const viewerToken = viewer ? checkToken("CACHESCOPE_VIEWER_TOKEN", viewer) : null;
  if (viewerToken !== null && viewerToken === token) {
    throw new AuthConfigError("CACHESCOPE_VIEWER_TOKEN equals CACHESCOPE_TOKEN: a viewer would be an admin; give it a token of its own");
  }
  const hoursText = env.CACHESCOPE_SESSION_HOURS?.trim();
  const hours = hoursText ? Number(hoursText) : DEFAULT_SESSION_HOURS;
  if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_SESSION_HOURS) {
    throw new AuthConfigError(`CACHESCOPE_SESSION_HOURS must be a number of hours above 0 and at most ${MAX_SESSION_HOURS} (got "${hoursText}")`);
  }
  return {
    token,
    tokenGenerated: !given,
    viewerToken,
    sessionSeconds: Math.max(1, Math.round(hours * 3600)),
    trustProxy: flag(env.CACHESCOPE_TRUST_PROXY?.trim()),
  };
}
