import type { Role } from "@/lib/auth/access";
import type { Person } from "@/lib/auth/django";

/** intent: written before anything is deleted; progress: what a job deleted so far; outcome: how it ended. */
export type AuditPhase = "intent" | "progress" | "outcome";

/** One line of the audit log (JSON lines). Records older than phases carry no id, phase or role. */
export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  alias: string;
  target: unknown;
  dryRun: boolean;
  matched: number | null;
  deleted: number | null;
  outcome: string;
  /** Links the records of one action. */
  id?: string;
  phase?: AuditPhase;
  role?: Role;
  /** The Django user who acted (Sign in with Django); absent for token logins and bearer tokens. */
  person?: Person;
  /** The job that carries the action out (purges, invalidations), or the job a cancel was for. */
  job?: string;
}

/** One action as GET /api/audit shows it: its latest record, with when it began and how many records it left. */
export interface AuditAction extends AuditEntry {
  /** When its first record (the intent) was written. */
  startedAt: string;
  /** Records written for it (intent, progress, outcome). */
  records: number;
  /** false while no outcome is recorded: running, or interrupted (the server stopped, or the log failed). */
  finished: boolean;
}

export interface AuditStatus {
  writable: boolean;
  /** Why not, when not writable. */
  error?: string;
  checkedAt: string;
}
