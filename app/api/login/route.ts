import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { roleOfToken, type Role } from "@/lib/auth/access";
import { safeNext } from "@/lib/auth/redirect";
import { SESSION_COOKIE, newSessionValue } from "@/lib/auth/session";
import { checkThrottle, clientOf, errorResponse, jsonBody, selfOrigin } from "@/lib/api/route";
import { ApiError } from "@/lib/api/errors";
import { parseBody } from "@/lib/api/query";
import { getContext } from "@/lib/server/context";

const loginBody = z.object({
  token: z.string({ error: "token: expected a string" }).min(1, "token: must not be empty").max(1024, "token: at most 1024 characters"),
});

function withSession(res: NextResponse, req: NextRequest, role: Role): NextResponse {
  const { sessionKey, sessionSeconds } = getContext();
  const { value } = newSessionValue(sessionKey, role);
  res.cookies.set(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: sessionSeconds,
    secure: selfOrigin(req).startsWith("https:"),
  });
  return res;
}

/** The role of a token, counting a wrong one against the client (which may already be waiting: 429). */
function tokenRole(req: NextRequest, token: string | null): Role | null {
  const client = clientOf(req);
  checkThrottle(client);
  const role = roleOfToken(token, getContext());
  if (role) getContext().throttle.succeed(client);
  else getContext().throttle.fail(client);
  return role;
}

function seeOther(location: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: location } });
}

const TOKEN_LOGIN_OFF = "token logins are turned off (CACHESCOPE_TOKEN_LOGIN=0): sign in with Django; bearer tokens still work for scripts";

/** POST {"token"}: sets the session cookie (shared/API.md); answers the role it logged in as. */
export async function POST(req: NextRequest) {
  try {
    if (!getContext().tokenLogin) throw new ApiError(403, "token_login_off", TOKEN_LOGIN_OFF);
    // Read (at most 64 KiB) before the throttle check: a refused client's body is no larger than anyone's.
    const { token } = parseBody(loginBody, await jsonBody(req));
    const role = tokenRole(req, token);
    if (!role) throw new ApiError(401, "unauthorized", "that token is not valid");
    return withSession(NextResponse.json({ ok: true, role }), req, role);
  } catch (e) {
    return errorResponse(e);
  }
}

/** GET ?token=…&next=/path: the ready login URL printed at start. */
export function GET(req: NextRequest) {
  try {
    // A path on this site only: relative Locations keep the host the browser used (localhost vs 127.0.0.1).
    const target = safeNext(req.nextUrl.searchParams.get("next"), selfOrigin(req));
    if (!getContext().tokenLogin) return seeOther("/login?error=token-off");
    const role = tokenRole(req, req.nextUrl.searchParams.get("token"));
    if (!role) return seeOther(`/login?error=invalid&next=${encodeURIComponent(target)}`);
    return withSession(seeOther(target), req, role);
  } catch (e) {
    return errorResponse(e);
  }
}
