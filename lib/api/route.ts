import { NextResponse, type NextRequest } from "next/server";
import { checkAccess, type Role } from "@/lib/auth/access";
import type { Person } from "@/lib/auth/django";
import { clientAddress, siteOrigin } from "@/lib/auth/forwarded";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { clientKey } from "@/lib/auth/throttle";
import { getContext } from "@/lib/server/context";
import { DEFAULT_BODY_LIMIT, readBodyText } from "./body";
import { ApiError, toApiError } from "./errors";

export interface RouteContext<P> {
  req: NextRequest;
  params: P;
  actor: string;
  role: Role;
  /** The Django user of a "Sign in with Django" session. */
  person?: Person;
}

export function errorResponse(e: unknown): NextResponse {
  const err = toApiError(e);
  if (err.status >= 500 && err.code === "internal") console.error("[cachescope]", e);
  const headers = err instanceof TooManyAttempts ? { "Retry-After": String(err.retryAfterSeconds) } : undefined;
  return NextResponse.json({ error: { code: err.code, message: err.message } }, { status: err.status, headers });
}

/** scheme://host of this site; X-Forwarded-Host/Proto count only with CACHESCOPE_TRUST_PROXY=1. */
export function selfOrigin(req: NextRequest): string {
  return siteOrigin(req.headers, req.nextUrl.host, getContext().trustProxy);
}

/** Who the wrong-token backoff counts this request against. */
export function clientOf(req: NextRequest): string {
  return clientKey(clientAddress(req.headers, getContext().trustProxy));
}

/** 429 with Retry-After: this client guessed wrong too often. */
export class TooManyAttempts extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, "too_many_attempts", `too many wrong tokens from this address: try again in ${retryAfterSeconds} s`);
  }
}

/** Refuses a client still waiting out its backoff. */
export function checkThrottle(client: string): void {
  const verdict = getContext().throttle.check(client);
  if (!verdict.allowed) throw new TooManyAttempts(verdict.retryAfterSeconds);
}

export interface RouteOptions {
  /** The handler changes nothing in any cache (a POST that starts a size analysis): allowed read-only and for viewers. */
  readsOnly?: boolean;
}

/** Wraps an API handler: access checks first, then errors become API.md's error shapes. */
export function apiRoute<P = Record<string, string>>(
  handler: (ctx: RouteContext<P>) => Promise<NextResponse> | NextResponse,
  options: RouteOptions = {},
) {
  return async (req: NextRequest, segment: { params: Promise<P> }): Promise<NextResponse> => {
    try {
      const context = getContext();
      const authorization = req.headers.get("authorization");
      // Bearer tokens are guesses like logins are: the same backoff applies.
      const client = authorization ? clientOf(req) : null;
      if (client) checkThrottle(client);
      const access = checkAccess(
        {
          method: req.method,
          authorization,
          cookie: req.cookies.get(SESSION_COOKIE)?.value,
          origin: req.headers.get("origin"),
          selfOrigin: selfOrigin(req),
          readsOnly: options.readsOnly === true,
        },
        context,
      );
      if (!access.ok) {
        if (access.wrongToken && client) context.throttle.fail(client);
        throw new ApiError(access.status, access.code, access.message);
      }
      return await handler({ req, params: await segment.params, actor: access.actor, role: access.role, person: access.person });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

export interface BodyOptions {
  /** Bytes; 64 KiB unless the route needs more. */
  limit?: number;
  /** An empty body stands for {}. */
  emptyIsObject?: boolean;
}

/** Reads a JSON body of at most `limit` bytes: 413 past it, 400 if it is not JSON. */
export async function jsonBody(req: Request, options: BodyOptions = {}): Promise<unknown> {
  const text = await readBodyText(req, options.limit ?? DEFAULT_BODY_LIMIT);
  if (options.emptyIsObject && text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "bad_request", "the body must be JSON");
  }
}
