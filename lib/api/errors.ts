import { BackendError, type BackendErrorCode } from "@/lib/backends/errors";
import { redactText } from "@/lib/config/secrets";
import { DomainError, type DomainErrorCode } from "@/lib/shared/errors";

/** An error with its HTTP answer (shared/API.md error shapes). Its message never holds a configured secret. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(redactText(message));
  }
}

export const badRequest = (message: string) => new ApiError(400, "bad_request", message);

/** The one table from a backend's or a service's error code to the HTTP status and API code it answers. */
const STATUS: Record<BackendErrorCode | DomainErrorCode, [number, string]> = {
  unreachable: [502, "backend_unreachable"],
  auth: [502, "backend_auth"],
  timeout: [504, "backend_timeout"],
  busy: [503, "backend_busy"],
  reconnecting: [503, "reconnecting"],
  listing_unavailable: [400, "listing_unavailable"],
  invalid_key: [400, "invalid_key"],
  invalid_file: [400, "invalid_file"],
  invalid_cursor: [400, "invalid_cursor"],
  prefix_unsupported: [400, "prefix_unsupported"],
  invalid_input: [400, "bad_request"],
  directory_unavailable: [502, "directory_unavailable"],
  config: [502, "backend_config"],
  server: [502, "backend_error"],
  bad_request: [400, "bad_request"],
  not_found: [404, "not_found"],
  not_inspectable: [400, "not_inspectable"],
  not_listable: [400, "not_listable"],
  not_probeable: [400, "not_probeable"],
  job_running: [409, "job_running"],
  too_many_jobs: [429, "too_many_jobs"],
  audit_unavailable: [503, "audit_unavailable"],
  bad_alias: [400, "bad_alias"],
  counters_unreadable: [502, "counters_unreadable"],
};

const TIMEOUT = /timed? ?out|ETIMEDOUT|timeout/i;
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EAI_AGAIN|unreachable|Connection is closed|connect/i;
const AUTH = /WRONGPASS|NOAUTH|NOPERM|auth/i;

/** Maps anything thrown below the API to an API error: the table for known codes; a driver's words as a last resort, else 500. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof BackendError || e instanceof DomainError) {
    const [status, code] = STATUS[e.code];
    return new ApiError(status, code, message);
  }
  if (e instanceof RangeError) return new ApiError(400, "bad_request", message);
  if (TIMEOUT.test(message)) return new ApiError(504, "backend_timeout", message);
  if (AUTH.test(message)) return new ApiError(502, "backend_auth", message);
  if (UNREACHABLE.test(message)) return new ApiError(502, "backend_unreachable", message);
  return new ApiError(500, "internal", message);
}
