import { redactText } from "@/lib/config/secrets";

/**
 * Errors of the console's own services (jobs, invalidation, audit, lookups) that are not a backend's: a code the API
 * maps to an HTTP status in one table (lib/api/errors.ts). Messages never hold a configured secret.
 */
export type DomainErrorCode =
  | "bad_request"
  | "not_found"
  | "job_running"
  | "too_many_jobs"
  | "audit_unavailable"
  | "not_inspectable"
  | "not_listable"
  /** A cache the probe cannot measure (DummyCache stores nothing; a backend without a probe client). */
  | "not_probeable"
  /** An alias that cannot name a counter directory. */
  | "bad_alias"
  /** The companion's counter directory cannot be read (a symlink, not a directory, refused). */
  | "counters_unreadable";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(redactText(message));
    this.name = "DomainError";
  }
}

export const badRequest = (message: string) => new DomainError("bad_request", message);
export const notFound = (message: string) => new DomainError("not_found", message);
