import { NextResponse, type NextRequest } from "next/server";
import { checkAccess, type Role } from "@/lib/auth/access";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { getContext } from "@/lib/server/context";
import { ApiError, toApiError } from "./errors";

export interface RouteContext<P> {
  req: NextRequest;
  params: P;
  actor: string;
  role: Role;
}

export function errorResponse(e: unknown): NextResponse {
  const err = toApiError(e);
  if (err.status >= 500 && err.code === "internal") console.error("[cachescope]", e);
  return NextResponse.json({ error: { code: err.code, message: err.message } }, { status: err.status });
}

export function selfOrigin(req: NextRequest): string {
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? req.nextUrl.host;
  const proto = req.headers.get("x-forwarded-proto") ?? req.nextUrl.protocol.replace(/:$/, "");
  return `${proto}://${host}`;
}

export interface RouteOptions {
  /** The handler changes nothing in any cache (a POST that starts a size analysis): allowed in read-only mode. */
  readsOnly?: boolean;
}

/** Wraps an API handler: access checks first, then errors become API.md's error shapes. */
export function apiRoute<P = Record<string, string>>(
  handler: (ctx: RouteContext<P>) => Promise<NextResponse> | NextResponse,
  options: RouteOptions = {},
) {
  return async (req: NextRequest, segment: { params: Promise<P> }): Promise<NextResponse> => {
    try {
      const { token, readOnly } = getContext();
      const access = checkAccess(
        {
          method: req.method,
          authorization: req.headers.get("authorization"),
          cookie: req.cookies.get(SESSION_COOKIE)?.value,
          origin: req.headers.get("origin"),
          selfOrigin: selfOrigin(req),
          readsOnly: options.readsOnly === true,
        },
        { token, readOnly },
      );
      if (!access.ok) throw new ApiError(access.status, access.code, access.message);
      return await handler({ req, params: await segment.params, actor: access.actor, role: access.role });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** Reads a JSON body, or answers 400. */
export async function jsonBody(req: NextRequest): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new ApiError(400, "bad_request", "the body must be JSON");
  }
}
