import { describe, expect, it } from "vitest";
import { BackendError } from "../errors";
import { toBackendError } from "./errors";

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("toBackendError", () => {
  it("names network failures as unreachable", () => {
    const e = toBackendError(withCode("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"), "h:1/0");
    expect(e).toBeInstanceOf(BackendError);
    expect(e.code).toBe("unreachable");
    expect(e.message).toBe("Redis h:1/0 unreachable: connection refused");
    expect(toBackendError(new Error('Unknown RESP type 72 "H"'), "h").code).toBe("unreachable");
  });

  it("names auth failures with Redis's word for them", () => {
    expect(toBackendError(new Error("WRONGPASS invalid username-password pair"), "h").message).toMatch(/auth failed \(WRONGPASS\)/);
    expect(toBackendError(new Error("NOAUTH Authentication required."), "h").message).toMatch(/NOAUTH/);
    expect(toBackendError(new Error("NOAUTH Authentication required."), "h").code).toBe("auth");
  });

  it("separates timeouts from other server errors", () => {
    expect(toBackendError(new Error("Command timed out"), "h").code).toBe("timeout");
    expect(toBackendError(new Error("WRONGTYPE Operation against a key"), "h").code).toBe("server");
  });
});
