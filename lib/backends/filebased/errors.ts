import { ApiError } from "@/lib/api/errors";

/**
 * Errors a caller can act on. They are ApiErrors so a route answers with their status as it is: 400 for input that
 * can never work on this backend, 502 when the cache directory itself is unusable (the "server" is unreachable).
 */
export type FileCacheErrorCode = "invalid_file" | "invalid_cursor" | "prefix_unsupported" | "directory_unavailable";

export class FileCacheError extends ApiError {
  declare readonly code: FileCacheErrorCode;

  constructor(code: FileCacheErrorCode, message: string) {
    super(code === "directory_unavailable" ? 502 : 400, code, message);
    this.name = "FileCacheError";
  }
}
