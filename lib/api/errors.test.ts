import { describe, expect, it } from "vitest";
import { RedisBackendError } from "@/lib/backends/redis/errors";
import { InvalidKeyError, MemcachedTimeoutError } from "@/lib/memcached/errors";
import { ApiError, toApiError } from "./errors";

describe("toApiError", () => {
  it("keeps API errors as they are", () => {
    const e = new ApiError(409, "job_running", "busy");
    expect(toApiError(e)).toBe(e);
  });
  it("maps backend errors to statuses an operator can act on", () => {
    expect(toApiError(new RedisBackendError("unreachable", "h:1", "Redis h:1 unreachable"))).toMatchObject({ status: 502, code: "backend_unreachable" });
    expect(toApiError(new RedisBackendError("timeout", "h:1", "unreachable: connect timed out"))).toMatchObject({ status: 504 });
    expect(toApiError(new RedisBackendError("auth", "h:1", "auth failed (WRONGPASS)"))).toMatchObject({ status: 502, code: "backend_auth" });
    expect(toApiError(new InvalidKeyError("contains a space"))).toMatchObject({ status: 400, code: "invalid_key" });
    expect(toApiError(new MemcachedTimeoutError("m:1", "get", 500))).toMatchObject({ status: 504 });
    expect(toApiError(new RangeError("count out of range"))).toMatchObject({ status: 400 });
  });
  it("falls back on the message, then 500", () => {
    expect(toApiError(new Error("connect ECONNREFUSED 127.0.0.1:1"))).toMatchObject({ status: 502 });
    expect(toApiError(new Error("boom"))).toMatchObject({ status: 500, code: "internal" });
  });
});
