import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { pickledBytes } from "./probe-value";

/** Python's own pickle.dumps(b"a" * n, 5), hex: the probe writes values exactly as Django would. */
function python(n: number): string {
  return execFileSync("/usr/bin/python3", ["-c", `import pickle,sys; sys.stdout.write(pickle.dumps(b"a" * ${n}, 5).hex())`]).toString();
}

describe("pickledBytes", () => {
  it.each([0, 3, 255, 256, 300, 65_535, 65_536, 70_000])("matches pickle.dumps(bytes, 5) for %i bytes", (n) => {
    expect(Buffer.from(pickledBytes(new Uint8Array(n).fill(0x61))).toString("hex")).toBe(python(n));
  });
});
