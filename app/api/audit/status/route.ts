import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { checkAuditLog } from "@/lib/audit/log";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/** Whether the audit log can be written now: {writable, error?, checkedAt} (checked afresh on every call). */
export const GET = apiRoute(async () => NextResponse.json(await checkAuditLog(getContext().auditLogPath)));
