import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { describeCache } from "@/lib/browse/list-caches";
import { findCache, getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/** One cache as in GET /api/caches (an addition to shared/API.md), plus readOnly for the pages. */
export const GET = apiRoute<{ alias: string }>(async ({ params }) => {
  const view = await describeCache(findCache(params.alias));
  return NextResponse.json({ ...view, readOnly: getContext().readOnly });
});
