import { BackendError } from "../errors";

/** The codes FileBasedCache throws: input that can never work on it (400), or its directory unusable (502). */
export type FileCacheErrorCode = "invalid_file" | "invalid_cursor" | "prefix_unsupported" | "directory_unavailable";

export class FileCacheError extends BackendError {
  declare readonly code: FileCacheErrorCode;

  constructor(code: FileCacheErrorCode, message: string) {
    super(code, message);
    this.name = "FileCacheError";
  }
}
