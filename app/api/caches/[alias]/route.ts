import { NextResponse } from "next/server";
import type { CacheAnswer } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { describeCache } from "@/lib/browse/list-caches";
import { findCache, getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/**
 * One cache as in GET /api/caches (an addition to shared/API.md), plus what the pages need to hide change buttons:
 * readOnly is true when this caller can change nothing (read-only mode, or a viewer's login), and role says whose.
 */
export const GET = apiRoute<{ alias: string }>(async ({ params, role }) => {
  const view = await describeCache(findCache(params.alias));
  return NextResponse.json<CacheAnswer>({ ...view, readOnly: getContext().readOnly || role === "viewer", role });
});
