import { NextResponse } from "next/server";
import { z } from "zod";
import { parseQuery } from "@/lib/api/query";
import { apiRoute } from "@/lib/api/route";
import { readAudit, readAuditActions } from "@/lib/audit/log";
import { jobs } from "@/lib/jobs/registry";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

const auditQuery = z.object({
  limit: z.coerce.number().int("limit: expected an integer").min(1).max(10000, "limit: at most 10000").default(200),
  alias: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  person: z.string().max(150, "person: at most 150 characters").optional(),
  records: z.enum(["0", "1"], { error: "records: expected 0 or 1" }).optional(),
});

/**
 * One entry per action, its latest state (intent, progress and outcome records folded together); `records=1` gives
 * the raw records instead, newest first.
 */
export const GET = apiRoute(async ({ req }) => {
  const { limit, alias, action, person, records } = parseQuery(auditQuery, req.nextUrl.searchParams);
  const filter = { ...(alias ? { alias } : {}), ...(action ? { action } : {}), ...(person ? { person } : {}) };
  const file = getContext().auditLogPath;
  if (records === "1") return NextResponse.json({ entries: await readAudit(file, limit, filter) });
  const registry = jobs();
  const running = (id: string) => registry.get(id)?.state === "running";
  return NextResponse.json({ entries: await readAuditActions(file, limit, filter, running) });
});
