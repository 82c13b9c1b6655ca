import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { SESSION_COOKIE, newSessionValue, tokenMatches } from "@/lib/auth/session";
import { errorResponse, jsonBody, selfOrigin } from "@/lib/api/route";
import { ApiError } from "@/lib/api/errors";
import { parseBody } from "@/lib/api/query";
import { getContext } from "@/lib/server/context";

const loginBody = z.object({ token: z.string({ error: "token: expected a string" }).min(1, "token: must not be empty") });

function withSession(res: NextResponse, req: NextRequest): NextResponse {
  const { value } = newSessionValue(getContext().token);
  res.cookies.set(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: selfOrigin(req).startsWith("https:"),
  });
  return res;
}

function seeOther(location: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: location } });
}

/** POST {"token"}: sets the session cookie (shared/API.md). */
export async function POST(req: NextRequest) {
  try {
    const { token } = parseBody(loginBody, await jsonBody(req));
    if (!tokenMatches(getContext().token, token)) throw new ApiError(401, "unauthorized", "that token is not valid");
    return withSession(NextResponse.json({ ok: true }), req);
  } catch (e) {
    return errorResponse(e);
  }
}

/** GET ?token=…&next=/path: the ready login URL printed at start. */
export function GET(req: NextRequest) {
  const token = req.nextUrl.searchParams.get("token");
  const next = req.nextUrl.searchParams.get("next") ?? "/";
  // Only same-site paths: never an open redirect. Relative Locations keep the host the browser used (localhost vs 127.0.0.1).
  const target = next.startsWith("/") && !next.startsWith("//") ? next : "/";
  if (!tokenMatches(getContext().token, token)) return seeOther(`/login?error=invalid&next=${encodeURIComponent(target)}`);
  return withSession(seeOther(target), req);
}
