import { describe, expect, it } from "vitest";
import { readBodyText } from "./body";

function streamed(parts: string[]): Request {
  const enc = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < parts.length) controller.enqueue(enc.encode(parts[i++]));
      else controller.close();
    },
  });
  return new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("readBodyText", () => {
  it("reads a body up to the limit exactly, in pieces, multi-byte characters intact", async () => {
    expect(await readBodyText(streamed(['{"a":', '"é"}']), 10)).toBe('{"a":"é"}');
  });

  it("refuses one byte over the limit with 413, a declared length included", async () => {
    await expect(readBodyText(streamed(["12345", "678901"]), 10)).rejects.toMatchObject({ status: 413, code: "payload_too_large" });
    const declared = new Request("http://x/", { method: "POST", body: "1", headers: { "content-length": "11" } });
    await expect(readBodyText(declared, 10)).rejects.toMatchObject({ status: 413 });
  });

  it("answers an empty string for no body", async () => {
    expect(await readBodyText(new Request("http://x/", { method: "POST" }), 10)).toBe("");
  });
});
