import { describe, expect, it } from "vitest";
import { formatBytes, formatTtl } from "./format";

describe("format", () => {
  it("bytes", () => {
    expect(formatBytes(null)).toBe("—");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(300 * 1024 * 1024)).toBe("300 MiB");
  });
  it("ttl", () => {
    expect(formatTtl(null)).toBe("never");
    expect(formatTtl(59)).toBe("59s");
    expect(formatTtl(3599)).toBe("59m 59s");
    expect(formatTtl(90000)).toBe("1d 1h");
  });
});
