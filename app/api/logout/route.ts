import { NextResponse, type NextRequest } from "next/server";
import { sessionOf } from "@/lib/auth/access";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { selfOrigin } from "@/lib/api/route";
import { getContext } from "@/lib/server/context";

/** Ends the session: the server refuses its cookie from now until it would have expired, and the browser drops it. */
export function POST(req: NextRequest) {
  const context = getContext();
  const session = sessionOf(req.cookies.get(SESSION_COOKIE)?.value, context);
  if (session) context.revoked.revoke(session, context.sessionSeconds);
  const res = NextResponse.json({ ok: true });
  res.cookies.set(SESSION_COOKIE, "", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 0,
    secure: selfOrigin(req).startsWith("https:"),
  });
  return res;
}
