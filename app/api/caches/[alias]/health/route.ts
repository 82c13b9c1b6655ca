import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { backendFor, findCache } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/** The backend's own health facts (an addition to shared/API.md): `{"supported": false}` where it has none. */
export const GET = apiRoute<{ alias: string }>(async ({ params }) => {
  const backend = backendFor(findCache(params.alias));
  if (!backend?.health) return NextResponse.json({ supported: false, facts: [], warnings: [] });
  return NextResponse.json({ supported: true, ...(await backend.health()) });
});
