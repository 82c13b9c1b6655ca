import { redactText } from "@/lib/config/secrets";

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
export const notFound = (message: string) => new ApiError(404, "not_found", message);

const TIMEOUT = /timed? ?out|ETIMEDOUT|timeout/i;
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EAI_AGAIN|unreachable|Connection is closed|connect/i;
const AUTH = /WRONGPASS|NOAUTH|NOPERM|auth/i;

/** Backend error classes by name (lib/ must not depend on every backend to map them): status and code. */
const BY_NAME: Record<string, [number, string]> = {
  InvalidKeyError: [400, "invalid_key"],
  RangeError: [400, "bad_request"],
  MemcachedTimeoutError: [504, "backend_timeout"],
  ListingUnavailableError: [502, "listing_unavailable"],
  CrawlerBusyError: [503, "backend_busy"],
  MemcachedError: [502, "backend_error"],
};
const REDIS_CODES: Record<string, [number, string]> = {
  unreachable: [502, "backend_unreachable"],
  auth: [502, "backend_auth"],
  timeout: [504, "backend_timeout"],
  server: [502, "backend_error"],
  config: [502, "backend_config"],
};

/** Maps anything a backend throws to an API error: 504 timeouts, 502 unreachable or refused, else 500. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const known = e.name === "RedisBackendError" && typeof code === "string" ? REDIS_CODES[code] : BY_NAME[e.name];
    if (known) return new ApiError(known[0], known[1], message);
  }
  if (TIMEOUT.test(message)) return new ApiError(504, "backend_timeout", message);
  if (AUTH.test(message)) return new ApiError(502, "backend_auth", message);
  if (UNREACHABLE.test(message)) return new ApiError(502, "backend_unreachable", message);
  return new ApiError(500, "internal", message);
}
