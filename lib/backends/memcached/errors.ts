import { BackendError, type BackendErrorCode } from "@/lib/backends/errors";

/** Errors of the memcached client: BackendErrors (lib/backends/errors.ts), with classes where callers tell them apart. */

export class MemcachedError extends BackendError {
  constructor(
    message: string,
    /** The server that failed, as configured ("host:port" or "unix:/path"); "" when not tied to one. */
    server = "",
    code: BackendErrorCode = "server",
  ) {
    super(code, server ? `${server}: ${message}` : message, server);
    this.name = "MemcachedError";
  }
}

/** The socket could not be opened, or it broke. */
export class MemcachedUnreachableError extends MemcachedError {
  constructor(message: string, server: string) {
    super(message, server, "unreachable");
    this.name = "MemcachedUnreachableError";
  }
}

/** A key that would break the text protocol (spaces, control characters, over 250 bytes): never sent. */
export class InvalidKeyError extends MemcachedError {
  constructor(reason: string) {
    super(`refused key (protocol injection): ${reason}`, "", "invalid_key");
    this.name = "InvalidKeyError";
  }
}

/** The server or the connection did not answer in time; the connection is dropped (its replies would be out of step). */
export class MemcachedTimeoutError extends MemcachedError {
  constructor(server: string, what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`, server, "timeout");
    this.name = "MemcachedTimeoutError";
  }
}

/** Listing is switched off on the server (-X, or the LRU crawler disabled). */
export class ListingUnavailableError extends MemcachedError {
  constructor(server: string, reply: string) {
    super(`listing unavailable: the server refuses lru_crawler metadump (${reply})`, server, "listing_unavailable");
    this.name = "ListingUnavailableError";
  }
}

/** Another crawl kept the LRU crawler busy through every retry. */
export class CrawlerBusyError extends MemcachedError {
  constructor(server: string, attempts: number) {
    super(`the LRU crawler stayed busy (another metadump or crawl is running) after ${attempts} attempts; try again later`, server, "busy");
    this.name = "CrawlerBusyError";
  }
}
