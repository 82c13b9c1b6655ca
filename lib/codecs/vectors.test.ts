import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeEntry } from "./decode";
import { decodeHintFor } from "@/lib/backends/registry";
import type { PyValue } from "./pyvalue";

interface Vector {
  id: string;
  backend: string;
  options: Record<string, unknown>;
  bytesBase64: string;
  flags?: number;
  fileExpiry?: number | null;
  expected: PyValue | null;
  response?: { status: number; contentType: string | null; headers: Record<string, string>; bodyText: string };
}

const shared = process.env.CACHESCOPE_SHARED ?? path.resolve(process.cwd(), "../shared");
const vectors = JSON.parse(fs.readFileSync(path.join(shared, "vectors", "vectors.json"), "utf8")) as Vector[];

describe("shared/vectors", () => {
  it("holds the full corpus", () => {
    expect(vectors).toHaveLength(310);
  });

  for (const v of vectors) {
    it(v.id, () => {
      const hint = decodeHintFor(v.backend, v.options, v.flags);
      expect(hint).not.toBeNull();
      if (hint === null) return;
      const got = decodeEntry(new Uint8Array(Buffer.from(v.bytesBase64, "base64")), hint);
      if (v.expected === null) {
        expect(got.value).toBeNull();
        expect(got.error).toMatch(/^undecodable: /);
      } else {
        expect(got.error).toBeUndefined();
        expect(got.value).toStrictEqual(v.expected);
        expect(got.truncated).toBe(false);
      }
      if (v.response !== undefined) {
        expect(got.response).toBeDefined();
        const { status, contentType, headers, bodyText } = got.response ?? {};
        expect({ status, contentType, headers, bodyText }).toEqual(v.response);
        expect(got.response?.bodyTruncated).toBe(false);
      } else {
        expect(got.response).toBeUndefined();
      }
      if (v.backend.endsWith("FileBasedCache")) expect(got.fileExpiry).toBe(v.fileExpiry);
    });
  }
});
