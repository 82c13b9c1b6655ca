import { describe, expect, it } from "vitest";
import { BackendError } from "@/lib/backends/errors";
import { InvalidKeyError, ListingUnavailableError, MemcachedTimeoutError } from "@/lib/backends/memcached/errors";
import { DomainError } from "@/lib/shared/errors";
import { ApiError, toApiError } from "./errors";

describe("toApiError", () => {
  it("keeps API errors as they are", () => {
    const e = new ApiError(401, "unauthorized", "log in");
    expect(toApiError(e)).toBe(e);
  });
  it("maps backend errors to statuses an operator can act on", () => {
    expect(toApiError(new BackendError("unreachable", "Redis h:1 unreachable", "h:1"))).toMatchObject({
      status: 502,
      code: "backend_unreachable",
    });
    expect(toApiError(new BackendError("timeout", "unreachable: connect timed out", "h:1"))).toMatchObject({ status: 504 });
    expect(toApiError(new BackendError("auth", "auth failed (WRONGPASS)", "h:1"))).toMatchObject({ status: 502, code: "backend_auth" });
    expect(toApiError(new InvalidKeyError("contains a space"))).toMatchObject({ status: 400, code: "invalid_key" });
    expect(toApiError(new MemcachedTimeoutError("m:1", "get", 500))).toMatchObject({ status: 504 });
    expect(toApiError(new RangeError("count out of range"))).toMatchObject({ status: 400 });
  });
  it("a failover in progress is a 503 'reconnecting' the UI waits out, not a 502 outage", () => {
    const e = new BackendError("reconnecting", "Redis sentinel:svc/0: reconnecting — the primary is failing over", "sentinel:svc/0");
    expect(toApiError(e)).toMatchObject({ status: 503, code: "reconnecting" });
  });
  it("answers listing unavailable the same way whichever backend says it", () => {
    const sasl = toApiError(new BackendError("listing_unavailable", "SASL: no listing"));
    const text = toApiError(new ListingUnavailableError("m:1", "ERROR"));
    expect([sasl.status, sasl.code]).toEqual([400, "listing_unavailable"]);
    expect([text.status, text.code]).toEqual([sasl.status, sasl.code]);
  });
  it("maps the services' own errors", () => {
    expect(toApiError(new DomainError("job_running", "busy"))).toMatchObject({ status: 409, code: "job_running" });
    expect(toApiError(new DomainError("too_many_jobs", "busy"))).toMatchObject({ status: 429 });
    expect(toApiError(new DomainError("audit_unavailable", "disk full"))).toMatchObject({ status: 503 });
  });
  it("masks secrets in what it passes on", () => {
    expect(toApiError(new BackendError("server", "boom")).message).toBe("boom");
  });
  it("falls back on the message, then 500", () => {
    expect(toApiError(new Error("connect ECONNREFUSED 127.0.0.1:1"))).toMatchObject({ status: 502 });
    expect(toApiError(new Error("boom"))).toMatchObject({ status: 500, code: "internal" });
  });
});
