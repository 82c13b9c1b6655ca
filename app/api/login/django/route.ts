import { NextResponse, type NextRequest } from "next/server";
import { djangoLogin } from "@/lib/auth/django-login";
import { safeNext } from "@/lib/auth/redirect";
import { SESSION_COOKIE, newSessionValue } from "@/lib/auth/session";
import { errorResponse, selfOrigin } from "@/lib/api/route";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

function seeOther(location: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: location } });
}

/** GET ?assertion=…&next=/path: where the companion's login view sends the browser (README "Sign in with Django"). */
export async function GET(req: NextRequest) {
  try {
    const origin = selfOrigin(req);
    const target = safeNext(req.nextUrl.searchParams.get("next"), origin);
    const context = getContext();
    const result = await djangoLogin(req.nextUrl.searchParams.get("assertion"), origin, context);
    // A refusal lands on the login page, which explains it; it never redirects back to Django (no loop).
    if (!result.ok) return seeOther(`/login?error=django-${result.reason}`);
    const { value } = newSessionValue(context.sessionKey, result.role, undefined, result.person);
    const res = seeOther(target);
    res.cookies.set(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      maxAge: context.sessionSeconds,
      secure: origin.startsWith("https:"),
    });
    return res;
  } catch (e) {
    return errorResponse(e);
  }
}
