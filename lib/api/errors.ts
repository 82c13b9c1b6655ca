/** An error with its HTTP answer (shared/API.md error shapes). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, "bad_request", message);
export const notFound = (message: string) => new ApiError(404, "not_found", message);

const TIMEOUT = /timed? ?out|ETIMEDOUT|timeout/i;
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EAI_AGAIN|unreachable|Connection is closed|connect/i;
const AUTH = /WRONGPASS|NOAUTH|NOPERM|auth/i;

/** Maps anything a backend throws to an API error: 504 timeouts, 502 unreachable or refused, else 500. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (TIMEOUT.test(message)) return new ApiError(504, "backend_timeout", message);
  if (AUTH.test(message)) return new ApiError(502, "backend_auth", message);
  if (UNREACHABLE.test(message)) return new ApiError(502, "backend_unreachable", message);
  return new ApiError(500, "internal", message);
}
