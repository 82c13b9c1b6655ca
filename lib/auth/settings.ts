import { randomBytes } from "node:crypto";
import { MIN_DJANGO_SECRET_BYTES } from "./django";

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
  /** CACHESCOPE_DJANGO_SECRET: verifies the companion's sign-in assertions; null when Sign in with Django is off. */
  djangoSecret: string | null;
  /** CACHESCOPE_DJANGO_LOGIN_URL: the companion's login view, offered on the login page. */
  djangoLoginUrl: string | null;
  /** CACHESCOPE_TOKEN_LOGIN=0 turns off token logins for people (form, POST/GET /api/login); bearer tokens still work. */
  tokenLogin: boolean;
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
    throw new AuthConfigError(
      `CACHESCOPE_SESSION_HOURS must be a number of hours above 0 and at most ${MAX_SESSION_HOURS} (got "${hoursText}")`,
    );
  }
  const secret = env.CACHESCOPE_DJANGO_SECRET?.trim() || null;
  if (secret !== null && Buffer.byteLength(secret) < MIN_DJANGO_SECRET_BYTES) {
    throw new AuthConfigError(
      `CACHESCOPE_DJANGO_SECRET is ${Buffer.byteLength(secret)} bytes long; it must be at least ${MIN_DJANGO_SECRET_BYTES} (the same long random string as the companion's CACHESCOPE["DJANGO_SECRET"], e.g. \`openssl rand -base64 48\`), or unset it`,
    );
  }
  const loginUrl = env.CACHESCOPE_DJANGO_LOGIN_URL?.trim() || null;
  if (loginUrl !== null && !/^https?:\/\/[^\s]+$/.test(loginUrl)) {
    throw new AuthConfigError(
      `CACHESCOPE_DJANGO_LOGIN_URL must be an http(s) URL of the companion's login view, e.g. https://shop.example/cachescope/login/ (got "${loginUrl}")`,
    );
  }
  if (loginUrl !== null && secret === null) {
    throw new AuthConfigError(
      "CACHESCOPE_DJANGO_LOGIN_URL is set but CACHESCOPE_DJANGO_SECRET is not: the console could not verify who Django signs in",
    );
  }
  const tokenLoginText = env.CACHESCOPE_TOKEN_LOGIN?.trim();
  const tokenLogin = !(tokenLoginText === "0" || tokenLoginText === "false");
  if (!tokenLogin && secret === null) {
    throw new AuthConfigError(
      "CACHESCOPE_TOKEN_LOGIN=0 leaves people no way to log in: set CACHESCOPE_DJANGO_SECRET and CACHESCOPE_DJANGO_LOGIN_URL too",
    );
  }
  return {
    token,
    tokenGenerated: !given,
    viewerToken,
    sessionSeconds: Math.max(1, Math.round(hours * 3600)),
    trustProxy: flag(env.CACHESCOPE_TRUST_PROXY?.trim()),
    djangoSecret: secret,
    djangoLoginUrl: loginUrl,
    tokenLogin,
  };
}
