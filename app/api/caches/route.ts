import { NextResponse } from "next/server";
import type { CachesAnswer } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { checkAuditLog } from "@/lib/audit/log";
import { describeCaches } from "@/lib/browse/list-caches";
import { formatConfigError } from "@/lib/config/parse";
import { redactText } from "@/lib/config/secrets";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ role }) => {
  const { config, readOnly, auditLogPath } = getContext();
  const [caches, audit] = await Promise.all([describeCaches(config.caches), checkAuditLog(auditLogPath)]);
  return NextResponse.json<CachesAnswer>({
    caches,
    configErrors: config.errors.map((e) => ({ ...e, message: redactText(e.message), text: formatConfigError(e) })),
    source: config.source,
    demo: config.demo,
    readOnly,
    // Whether deletes can be recorded (and so done at all): the home page says so when not.
    audit,
    role,
  });
});
