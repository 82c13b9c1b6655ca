import { describe, expect, it } from "vitest";
import { JobRegistry } from "./registry";

const until = async (f: () => boolean) => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe("JobRegistry", () => {
  it("runs a job in the background and records progress and result", async () => {
    const reg = new JobRegistry();
    const ended: string[] = [];
    const job = reg.start({ alias: "a", kind: "purge", target: {}, exclusive: true, onEnd: (j) => void ended.push(j.state) }, async (ctl) => {
      ctl.progress({ scanned: 10, matched: 3, deleted: 3 });
      return { ok: 1 };
    });
    await until(() => job.state !== "running");
    expect(reg.get(job.id)).toMatchObject({ state: "done", scanned: 10, matched: 3, deleted: 3, result: { ok: 1 } });
    expect(ended).toEqual(["done"]);
  });

  it("refuses a second exclusive job on the same cache while one runs, not on another cache", async () => {
    const reg = new JobRegistry();
    let release = () => {};
    const first = reg.start({ alias: "a", kind: "purge", target: {}, exclusive: true }, () => new Promise<void>((r) => (release = r)));
    expect(() => reg.start({ alias: "a", kind: "purge", target: {}, exclusive: true }, async () => {})).toThrow(/already running/);
    expect(() => reg.start({ alias: "b", kind: "purge", target: {}, exclusive: true }, async () => {})).not.toThrow();
    expect(() => reg.start({ alias: "a", kind: "analysis", target: {}, exclusive: false }, async () => {})).not.toThrow();
    release();
    await until(() => first.state !== "running");
    expect(() => reg.start({ alias: "a", kind: "purge", target: {}, exclusive: true }, async () => {})).not.toThrow();
  });

  it("cancels through the signal and ends as cancelled", async () => {
    const reg = new JobRegistry();
    const job = reg.start({ alias: "a", kind: "purge", target: {}, exclusive: true }, async (ctl) => {
      while (!ctl.signal.aborted) await new Promise((r) => setTimeout(r, 2));
    });
    reg.cancel(job.id);
    await until(() => job.state !== "running");
    expect(job.state).toBe("cancelled");
    expect(job.finishedAt).not.toBeNull();
  });

  it("ends a throwing job as failed with its error", async () => {
    const reg = new JobRegistry();
    const job = reg.start({ alias: "a", kind: "purge", target: {}, exclusive: false }, async () => {
      throw new Error("connection lost");
    });
    await until(() => job.state !== "running");
    expect(job).toMatchObject({ state: "failed", errors: ["connection lost"] });
  });
});
