import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { describeCaches } from "@/lib/browse/list-caches";
import { formatConfigError } from "@/lib/config/parse";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/** readOnly is the server's mode; role (an addition) is the caller's: a viewer changes nothing either. */
export const GET = apiRoute(async ({ role }) => {
  const { config, readOnly } = getContext();
  return NextResponse.json({
    caches: await describeCaches(config.caches),
    configErrors: config.errors.map((e) => ({ ...e, text: formatConfigError(e) })),
    source: config.source,
    demo: config.demo,
    readOnly,
    role,
  });
});
