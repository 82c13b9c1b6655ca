import { redactText } from "@/lib/config/secrets";

/**
 * Errors of the Redis backend, sorted into what an operator can act on: the API maps "unreachable" to 502 and
 * "timeout" to 504; "auth" and "server" carry Redis's own words.
 */

/** "config": the alias's LOCATION/OPTIONS cannot be used (nothing was sent to any server). */
export type RedisErrorCode = "unreachable" | "auth" | "timeout" | "server" | "config";

export class RedisBackendError extends Error {
  readonly code: RedisErrorCode;
  readonly server: string;

  constructor(code: RedisErrorCode, server: string, message: string) {
    // Drivers echo URLs and replies: whatever they said, no configured secret leaves in it.
    super(redactText(message));
    this.name = "RedisBackendError";
    this.code = code;
    this.server = redactText(server);
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ENOENT: "no such socket file",
  EACCES: "permission denied on the socket",
  ETIMEDOUT: "connect timed out",
};

function errorCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

/** Turns whatever ioredis or the socket threw into a RedisBackendError with a message that names the cause. */
export function toBackendError(err: unknown, server: string): RedisBackendError {
  if (err instanceof RedisBackendError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const network = NETWORK_CODES[errorCode(err) ?? ""];
  if (network) return new RedisBackendError("unreachable", server, `Redis ${server} unreachable: ${network}`);
  if (/^WRONGPASS/.test(message) || /invalid password/i.test(message)) {
    return new RedisBackendError("auth", server, `Redis ${server}: auth failed (WRONGPASS): ${message}`);
  }
  if (/^NOAUTH/.test(message)) {
    return new RedisBackendError("auth", server, `Redis ${server}: auth required (NOAUTH): the server needs a password`);
  }
  if (/^NOPERM/.test(message)) return new RedisBackendError("auth", server, `Redis ${server}: ${message}`);
  if (/Command timed out/i.test(message)) {
    return new RedisBackendError("timeout", server, `Redis ${server}: timeout (no reply in time)`);
  }
  if (/connect ETIMEDOUT|connect timed out/i.test(message)) {
    return new RedisBackendError("unreachable", server, `Redis ${server} unreachable: connect timed out`);
  }
  if (/Unknown RESP type|Protocol error/i.test(message)) {
    return new RedisBackendError("unreachable", server, `Redis ${server} unreachable: the server there does not speak Redis`);
  }
  if (/Connection is closed|Stream isn't writeable|enableOfflineQueue|ECONNRESET|socket/i.test(message)) {
    return new RedisBackendError("unreachable", server, `Redis ${server} unreachable: ${message}`);
  }
  return new RedisBackendError("server", server, `Redis ${server}: ${message}`);
}
