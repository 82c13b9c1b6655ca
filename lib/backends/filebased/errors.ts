/**
 * Errors a caller can act on, with the HTTP status the API should answer: 400 for input that can never work on this
 * backend, 502 when the cache directory itself is unusable (the "server" is unreachable).
 */
export type FileCacheErrorCode = "invalid_file" | "invalid_cursor" | "prefix_unsupported" | "directory_unavailable";

export class FileCacheError extends Error {
  readonly code: FileCacheErrorCode;
  readonly status: 400 | 502;

  constructor(code: FileCacheErrorCode, message: string) {
    super(message);
    this.name = "FileCacheError";
    this.code = code;
    this.status = code === "directory_unavailable" ? 502 : 400;
  }
}
