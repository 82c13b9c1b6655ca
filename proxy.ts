import { NextResponse, type NextRequest } from "next/server";
import { pagePolicy } from "@/lib/auth/headers";

/**
 * Gives every page a fresh CSP nonce: Next.js reads it from the request's Content-Security-Policy and puts it on
 * its scripts. API routes are left out: they get a fixed policy from next.config.js, and a Proxy would make Next.js
 * copy each request body (up to 10 MB) before the route's own 64 KiB limit could refuse it.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const policy = pagePolicy(nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
