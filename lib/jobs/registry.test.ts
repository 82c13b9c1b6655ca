import { describe, expect, it } from "vitest";
import { JobRegistry } from "./registry";

const until = async (f: () => boolean) => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe("JobRegistry", () => {
  it("runs a job in the background and records progress and result", async () => {
    const reg = new JobRegistry();
    const ended: string[] = [];
    const job = reg.start(
      { alias: "a", kind: "purge", target: {}, exclusive: true, onEnd: (j) => void ended.push(j.state) },
      async (ctl) => {
        ctl.progress({ scanned: 10, matched: 3, deleted: 3 });
        return { ok: 1 };
      },
    );
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

  it("runs one analysis per cache at a time: a second on the same cache is 429, another cache's is not", async () => {
    const reg = new JobRegistry();
    let release = () => {};
    const first = reg.start(
      { alias: "a", kind: "analysis", target: {}, exclusive: false, onePerCache: true },
      () => new Promise<void>((r) => (release = r)),
    );
    expect(() => reg.start({ alias: "a", kind: "analysis", target: {}, exclusive: false, onePerCache: true }, async () => {})).toThrow(
      expect.objectContaining({
        code: "too_many_jobs",
        message: expect.stringMatching(/already running on cache "a": one at a time per cache/),
      }),
    );
    expect(() =>
      reg.start({ alias: "b", kind: "analysis", target: {}, exclusive: false, onePerCache: true }, async () => {}),
    ).not.toThrow();
    release();
    await until(() => first.state !== "running");
    expect(() =>
      reg.start({ alias: "a", kind: "analysis", target: {}, exclusive: false, onePerCache: true }, async () => {}),
    ).not.toThrow();
  });

  it("caps the jobs running at once, all caches and kinds together (429), reserved slots included", async () => {
    const reg = new JobRegistry(3);
    const releases: (() => void)[] = [];
    const hold = () => new Promise<void>((r) => releases.push(r));
    reg.start({ alias: "a", kind: "purge", target: {}, exclusive: true }, hold);
    reg.start({ alias: "b", kind: "analysis", target: {}, exclusive: false, onePerCache: true }, hold);
    // A slot held while its audit intent is written counts too: two requests cannot both take the last one.
    const slot = reg.reserve({ alias: "c", kind: "purge", target: {}, exclusive: true });
    expect(() => reg.reserve({ alias: "d", kind: "purge", target: {}, exclusive: true })).toThrow(
      expect.objectContaining({
        code: "too_many_jobs",
        message: expect.stringMatching(/3 jobs are running, the most allowed at once \(3\)/),
      }),
    );
    // 409 still comes first for a second destructive job on a busy cache.
    expect(() => reg.reserve({ alias: "c", kind: "clear", target: {}, exclusive: true })).toThrow(
      expect.objectContaining({ code: "job_running" }),
    );
    slot.release();
    const last = reg.reserve({ alias: "d", kind: "purge", target: {}, exclusive: true });
    const job = last.start(hold);
    expect(job.id).toBe(last.id);
    expect(() => last.start(hold)).toThrow(/already used/);
    releases.forEach((r) => r());
    await until(() => reg.list().every((j) => j.state !== "running"));
    expect(() => reg.start({ alias: "e", kind: "purge", target: {}, exclusive: true }, async () => {})).not.toThrow();
  });
});
