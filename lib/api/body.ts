import { ApiError } from "./errors";

/** The largest body a route reads unless it says otherwise. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

function tooLarge(limit: number): ApiError {
  return new ApiError(413, "payload_too_large", `the request body is over the limit of ${limit} bytes (${Math.round(limit / 1024)} KiB)`);
}

/**
 * The body as text, read up to `limit` bytes: a Content-Length over it is refused before reading, and a body that
 * grows past it (chunked, or lying about its length) is refused as soon as it does, the rest left unread.
 */
export async function readBodyText(req: Request, limit: number = DEFAULT_BODY_LIMIT): Promise<string> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(limit);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}
