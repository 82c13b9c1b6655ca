import { NextResponse } from "next/server";
import { z } from "zod";
import { parseQuery } from "@/lib/api/query";
import { apiRoute } from "@/lib/api/route";
import { readAudit } from "@/lib/audit/log";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

const auditQuery = z.object({
  limit: z.coerce.number().int("limit: expected an integer").min(1).max(10000, "limit: at most 10000").default(200),
  alias: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
});

export const GET = apiRoute(async ({ req }) => {
  const { limit, alias, action } = parseQuery(auditQuery, req.nextUrl.searchParams);
  const filter = { ...(alias ? { alias } : {}), ...(action ? { action } : {}) };
  return NextResponse.json({ entries: await readAudit(getContext().auditLogPath, limit, filter) });
});
