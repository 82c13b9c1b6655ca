/** Errors of the memcached client, distinct classes so callers (routes, jobs) can map them to answers. */

export class MemcachedError extends Error {
  constructor(
    message: string,
    /** The server that failed, as configured ("host:port" or "unix:/path"); "" when not tied to one. */
    readonly server: string = "",
  ) {
    super(server ? `${server}: ${message}` : message);
    this.name = "MemcachedError";
  }
}

/** A key that would break the text protocol (spaces, control characters, over 250 bytes): never sent. */
export class InvalidKeyError extends MemcachedError {
  constructor(reason: string) {
    super(`refused key (protocol injection): ${reason}`);
    this.name = "InvalidKeyError";
  }
}

/** The server or the connection did not answer in time; the connection is dropped (its replies would be out of step). */
export class MemcachedTimeoutError extends MemcachedError {
  constructor(server: string, what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`, server);
    this.name = "MemcachedTimeoutError";
  }
}

/** Listing is switched off on the server (-X, or the LRU crawler disabled). */
export class ListingUnavailableError extends MemcachedError {
  constructor(server: string, reply: string) {
    super(`listing unavailable: the server refuses lru_crawler metadump (${reply})`, server);
    this.name = "ListingUnavailableError";
  }
}

/** Another crawl kept the LRU crawler busy through every retry. */
export class CrawlerBusyError extends MemcachedError {
  constructor(server: string, attempts: number) {
    super(`the LRU crawler stayed busy (another metadump or crawl is running) after ${attempts} attempts; try again later`, server);
    this.name = "CrawlerBusyError";
  }
}
