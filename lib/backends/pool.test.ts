import { describe, expect, it } from "vitest";
import { BackendError } from "./errors";
import { failureOf, fanOut, poolStatus, rowsByServer, sumOrThrow } from "./pool";

const servers = [{ label: "a:1" }, { label: "b:2" }, { label: "c:3" }];

describe("pool fan-out", () => {
  it("status: ok only when every server answers; the error names each down one once", () => {
    expect(
      poolStatus([
        { server: "a:1", ok: true, latencyMs: 1 },
        { server: "b:2", ok: true, latencyMs: 3 },
      ]),
    ).toMatchObject({ ok: true, latencyMs: 3 });
    const one = poolStatus([
      { server: "a:1", ok: true, latencyMs: 1 },
      { server: "b:2", ok: false, error: "b:2: refused" },
    ]);
    expect(one).toMatchObject({ ok: false, error: "1 of 2 servers down: b:2: refused" });
    expect(poolStatus([])).toMatchObject({ ok: false, error: "no servers" });
  });

  it("runs on every server and reports each failure by name, the others' results kept", async () => {
    const outcomes = await fanOut(servers, async (s) => {
      if (s.label === "b:2") throw new BackendError("unreachable", "refused", s.label);
      return 2;
    });
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(() => sumOrThrow(outcomes, "deleted")).toThrow("deleted 4, but 1 server(s) failed: refused");
  });

  it("one failure code when every failed server failed the same way, else server", async () => {
    const down = await fanOut(servers, async (s) => Promise.reject(new BackendError("unreachable", `${s.label} refused`, s.label)));
    expect(failureOf(down, "read")).toMatchObject({ code: "unreachable" });
    const mixed = await fanOut(servers, async (s) =>
      Promise.reject(s.label === "a:1" ? new BackendError("timeout", "slow") : new Error("odd")),
    );
    expect(failureOf(mixed, "read")).toMatchObject({ code: "server" });
    expect(failureOf(await fanOut(servers, async () => 1), "read")).toBeNull();
  });

  it("groups listed rows by the server that listed them; a row naming another server refuses the batch", () => {
    const byLabel = new Map(servers.map((s) => [s.label, s]));
    const groups = rowsByServer(
      [
        { raw: "x", server: "a:1" },
        { raw: "y", server: "c:3" },
        { raw: "z", server: "a:1" },
      ],
      byLabel,
    );
    expect([...groups].map(([s, rows]) => [s.label, rows.map((r) => r.raw)])).toEqual([
      ["a:1", ["x", "z"]],
      ["c:3", ["y"]],
    ]);
    expect(() => rowsByServer([{ raw: "x", server: "evil:9" }], byLabel)).toThrow(expect.objectContaining({ code: "invalid_input" }));
    expect(() => rowsByServer([{ raw: "x" }], byLabel)).toThrow(BackendError);
  });
});
