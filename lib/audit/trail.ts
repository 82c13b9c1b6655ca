import { randomBytes } from "node:crypto";
import type { Role } from "@/lib/auth/access";
import type { Person } from "@/lib/auth/django";
import { appendAudit, AuditUnavailableError } from "./log";
import type { AuditPhase } from "./types";

/** Who did what to which cache: the fields every record of one action shares. */
export interface ActionFacts {
  actor: string;
  role: Role;
  person?: Person;
  action: string;
  alias: string;
  target: unknown;
  job?: string;
}

export interface Counts {
  matched: number | null;
  deleted: number | null;
}

/**
 * The records of one destructive action, linked by an id: the intent before anything happens, progress as a job
 * goes, the outcome at the end. Each write fails closed (AuditUnavailableError): the caller stops there.
 */
export class AuditTrail {
  readonly id = randomBytes(8).toString("hex");

  private constructor(
    readonly file: string,
    private readonly facts: ActionFacts,
  ) {}

  /** Writes the intent. Throws AuditUnavailableError (503) saying the action was refused: the caller must not act. */
  static async begin(file: string, facts: ActionFacts): Promise<AuditTrail> {
    const trail = new AuditTrail(file, facts);
    try {
      await trail.write("intent", { matched: null, deleted: null }, "started");
    } catch (e) {
      if (!(e instanceof AuditUnavailableError)) throw e;
      throw new AuditUnavailableError(`${facts.action} refused, nothing was deleted: ${e.message}`);
    }
    return trail;
  }

  /** What a job has deleted so far; written before it deletes more. */
  progress(counts: Counts): Promise<void> {
    return this.write("progress", counts, `deleted ${counts.deleted ?? 0} so far`);
  }

  finish(outcome: string, counts: Counts): Promise<void> {
    return this.write("outcome", counts, outcome);
  }

  private write(phase: AuditPhase, counts: Counts, outcome: string): Promise<void> {
    return appendAudit(this.file, {
      at: new Date().toISOString(),
      id: this.id,
      phase,
      ...this.facts,
      dryRun: false,
      ...counts,
      outcome,
    });
  }
}
