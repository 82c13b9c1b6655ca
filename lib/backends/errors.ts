import { redactText } from "@/lib/config/secrets";

/**
 * The one error type every backend throws: a code an operator (and lib/api/errors.ts's status table) can act on, and
 * the server it concerns. Messages pass through the secret masking, so whatever a driver echoed stays safe to show.
 */
export type BackendErrorCode =
  /** Nothing answers there (refused, reset, unknown host, not the protocol expected). */
  | "unreachable"
  | "auth"
  | "timeout"
  /** The primary is failing over (Sentinel, Cluster): the console is finding the new one; try again in a few seconds. */
  | "reconnecting"
  /** The server is doing something that excludes this now (memcached's LRU crawler busy): try again later. */
  | "busy"
  /** This cache cannot list its keys (SASL memcached, a server with listing switched off). */
  | "listing_unavailable"
  /** A key the protocol refuses (memcached: spaces, control bytes, over 250 bytes). */
  | "invalid_key"
  /** A FileBasedCache file name that is not one Django writes. */
  | "invalid_file"
  | "invalid_cursor"
  /** A prefix on a backend whose listing has no key names (FileBasedCache). */
  | "prefix_unsupported"
  /** A request value out of its range (count, maxBytes, a row naming no server of the pool). */
  | "invalid_input"
  /** FileBasedCache's directory cannot be used. */
  | "directory_unavailable"
  /** The alias's LOCATION/OPTIONS cannot be used: nothing was sent anywhere. */
  | "config"
  /** The server answered with an error of its own. */
  | "server";

export class BackendError extends Error {
  readonly server: string;

  constructor(
    readonly code: BackendErrorCode,
    message: string,
    /** The server concerned, as shown (never with a password); "" when not tied to one. */
    server = "",
    /** What a call over several servers still did before failing (keys deleted): counts stay exact. */
    readonly done?: number,
  ) {
    super(redactText(message));
    this.name = "BackendError";
    this.server = redactText(server);
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
