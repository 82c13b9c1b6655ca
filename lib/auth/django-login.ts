import { appendAudit } from "@/lib/audit/log";
import type { Role } from "./access";
import { verifyAssertion, type AssertionFailure, type NonceBook, type Person } from "./django";

export type DjangoLoginResult = { ok: true; person: Person; role: Role } | { ok: false; reason: AssertionFailure | "off" };

export interface DjangoLoginSettings {
  djangoSecret: string | null;
  nonces: NonceBook;
  auditLogPath: string;
}

/**
 * Verifies a sign-in assertion and records the attempt in the audit log: the person signed in, or why it was
 * refused. The assertion itself is never recorded (it would be replayable until it expires).
 */
export async function djangoLogin(assertion: string | null, origin: string, settings: DjangoLoginSettings): Promise<DjangoLoginResult> {
  if (settings.djangoSecret === null) return { ok: false, reason: "off" };
  const result = verifyAssertion(assertion, { secret: settings.djangoSecret, origin, nonces: settings.nonces });
  const base = { at: new Date().toISOString(), action: "login", alias: "", dryRun: false, matched: null, deleted: null };
  const entry = result.ok
    ? { ...base, actor: result.person.username, role: result.role, person: result.person, target: { via: "django" }, outcome: "signed in" }
    : { ...base, actor: "django", target: { via: "django", reason: result.reason }, outcome: `refused: ${result.message}` };
  if (!result.ok) console.warn(`[cachescope] Django sign-in refused (${result.reason}): ${result.message}`);
  // A login changes no cache: one the log cannot take is still let through, and said on the server log.
  await appendAudit(settings.auditLogPath, entry).catch((e: unknown) =>
    console.error(`[cachescope] Django sign-in not recorded: ${e instanceof Error ? e.message : String(e)}`),
  );
  return result.ok ? { ok: true, person: result.person, role: result.role } : { ok: false, reason: result.reason };
}
