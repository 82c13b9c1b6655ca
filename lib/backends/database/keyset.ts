import { BackendError } from "../errors";

/**
 * Keyset paging on the table's primary key: a cursor is the last key of the page, and the next page asks for keys after
 * it (`cache_key > $1 ORDER BY cache_key LIMIT n`), so a page costs the same however deep it is — never OFFSET.
 */

const TAG = "db1.";

export function encodeCursor(lastKey: string): string {
  return TAG + Buffer.from(lastKey, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string {
  if (typeof cursor === "string" && cursor.startsWith(TAG)) {
    const body = cursor.slice(TAG.length);
    const key = Buffer.from(body, "base64url").toString("utf8");
    // No stored key holds a NUL (PostgreSQL text cannot): a cursor with one was not made here.
    if (body !== "" && !key.includes("\0") && encodeCursor(key) === cursor) return key;
  }
  throw new BackendError("invalid_cursor", "This cursor was not made by this cache's listing: start again from the first page.");
}

/** A LIKE pattern matching exactly the keys that start with `prefix`: "\", "%" and "_" in it match only themselves. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
