import { BackendError } from "../errors";

/** Sorts what ioredis or the socket threw into the backend error codes (lib/backends/errors.ts). */

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

/** Turns whatever ioredis or the socket threw into a BackendError with a message that names the cause. */
export function toBackendError(err: unknown, server: string): BackendError {
  if (err instanceof BackendError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const network = NETWORK_CODES[errorCode(err) ?? ""];
  if (network) return new BackendError("unreachable", `Redis ${server} unreachable: ${network}`, server);
  if (/^WRONGPASS/.test(message) || /invalid password/i.test(message)) {
    return new BackendError("auth", `Redis ${server}: auth failed (WRONGPASS): ${message}`, server);
  }
  if (/^NOAUTH/.test(message)) {
    return new BackendError("auth", `Redis ${server}: auth required (NOAUTH): the server needs a password`, server);
  }
  if (/^NOPERM/.test(message)) return new BackendError("auth", `Redis ${server}: ${message}`, server);
  if (/Command timed out/i.test(message)) {
    return new BackendError("timeout", `Redis ${server}: timeout (no reply in time)`, server);
  }
  if (/connect ETIMEDOUT|connect timed out/i.test(message)) {
    return new BackendError("unreachable", `Redis ${server} unreachable: connect timed out`, server);
  }
  if (/Unknown RESP type|Protocol error/i.test(message)) {
    return new BackendError("unreachable", `Redis ${server} unreachable: the server there does not speak Redis`, server);
  }
  if (/Connection is closed|Stream isn't writeable|enableOfflineQueue|ECONNRESET|socket/i.test(message)) {
    return new BackendError("unreachable", `Redis ${server} unreachable: ${message}`, server);
  }
  return new BackendError("server", `Redis ${server}: ${message}`, server);
}
