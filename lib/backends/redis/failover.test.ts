import { describe, expect, it } from "vitest";
import { BackendError } from "../errors";
import { failoverCause, PrimaryFollower, PrimaryMoved, type FollowOptions } from "./failover";

function refused(): Error {
  return Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6471"), { code: "ECONNREFUSED" });
}

/** A follower over a scripted resolver and a clock that moves only when the follower sleeps. */
function follower(answers: (string | Error)[], opts: Partial<FollowOptions<string>> = {}) {
  let t = 0;
  const asked: number[] = [];
  const f = new PrimaryFollower<string>({
    resolve: async () => {
      asked.push(t);
      const next = answers.length > 1 ? answers.shift()! : answers[0];
      if (next instanceof Error) throw next;
      return next;
    },
    same: (a, b) => a === b,
    label: "sentinel:svc/0",
    callWindowMs: 3_000,
    retryDelayMs: 250,
    outageAfterMs: 10_000,
    recheckAfterMs: 60_000,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    ...opts,
  });
  return { f, asked, advance: (ms: number) => (t += ms), time: () => t };
}

describe("failoverCause", () => {
  it("a demoted primary's READONLY, raw or as the console words it", () => {
    expect(failoverCause(new Error("READONLY You can't write against a read only replica."))).toBe("readonly");
    expect(failoverCause(new BackendError("server", "Redis sentinel:svc/0: READONLY You can't write against a read only replica."))).toBe(
      "readonly",
    );
    expect(failoverCause(new Error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."))).toBe("readonly");
  });

  it("a socket that is gone or never opened", () => {
    expect(failoverCause(refused())).toBe("connection");
    expect(failoverCause(new Error("Connection is closed."))).toBe("connection");
    expect(failoverCause(new BackendError("unreachable", "Redis x unreachable: connection refused"))).toBe("connection");
    expect(failoverCause(new BackendError("timeout", "Redis x: timeout (no reply in time)"))).toBe("connection");
  });

  it("not the server's own refusals of the command or the credentials", () => {
    expect(failoverCause(new Error("WRONGTYPE Operation against a key holding the wrong kind of value"))).toBeNull();
    expect(failoverCause(new BackendError("auth", "Redis x: auth failed (WRONGPASS)"))).toBeNull();
    expect(failoverCause(new BackendError("server", "Redis x: ERR unknown command 'UNLINK'"))).toBeNull();
    expect(failoverCause(new Error("NOAUTH Authentication required."))).toBeNull();
  });
});

describe("PrimaryFollower", () => {
  it("asks once for every caller waiting, and keeps the answer", async () => {
    const { f, asked } = follower(["A"]);
    const [a, b] = await Promise.all([f.current(), f.current()]);
    await f.current();
    expect([a.address, b.address]).toEqual(["A", "A"]);
    expect(asked).toHaveLength(1);
  });

  it("a refused primary sends it asking again, and the call is made on the new one", async () => {
    const { f, asked } = follower(["A", "A", "B"]);
    const tried: string[] = [];
    const result = await f.run(async (at) => {
      tried.push(at.address);
      if (at.address === "A") throw refused();
      return `done on ${at.address}`;
    });
    // The sentinels named A again once (the switch had not happened yet), then B.
    expect(tried).toEqual(["A", "A", "B"]);
    expect(asked).toHaveLength(3);
    expect(result).toBe("done on B");
    expect(f.reconnecting).toBe(false);
  });

  it("READONLY from a demoted primary is followed like a refusal", async () => {
    const { f } = follower(["A", "B"]);
    const result = await f.run(async (at) => {
      if (at.address === "A")
        throw new BackendError("server", "Redis sentinel:svc/0: READONLY You can't write against a read only replica.");
      return at.address;
    });
    expect(result).toBe("B");
  });

  it("a new address is a new generation; the same one answering again after a blip is not", async () => {
    const { f } = follower(["A", "A", "B"]);
    const first = await f.current();
    f.invalidate(first.generation);
    const again = await f.current();
    expect(again.generation).toBe(first.generation);
    f.invalidate(again.generation);
    const moved = await f.current();
    expect(moved.address).toBe("B");
    expect(moved.generation).toBeGreaterThan(first.generation);
  });

  it("a late failure of an older generation does not throw away the newer answer", async () => {
    const { f, asked } = follower(["A", "B"]);
    const old = await f.current();
    f.invalidate(old.generation);
    const now = await f.current();
    f.invalidate(old.generation);
    expect((await f.current()).address).toBe(now.address);
    expect(asked).toHaveLength(2);
  });

  it("errors that are not about where the primary is are thrown at once", async () => {
    const { f, asked } = follower(["A"]);
    const wrongType = new BackendError("server", "Redis x: WRONGTYPE Operation against a key holding the wrong kind of value");
    await expect(f.run(async () => Promise.reject(wrongType))).rejects.toBe(wrongType);
    expect(asked).toHaveLength(1);
  });

  it("a walk's PrimaryMoved is the caller's to handle, not retried", async () => {
    const { f, asked } = follower(["A"]);
    const moved = new PrimaryMoved("sentinel:svc/0");
    await expect(f.run(async () => Promise.reject(moved))).rejects.toBe(moved);
    expect(asked).toHaveLength(1);
  });

  it("while the failover lasts, a call answers 'reconnecting' with the cause; once it lasts past outageAfterMs, the error itself", async () => {
    const { f, advance } = follower(["A"]);
    const attempt = async () =>
      Promise.reject(new BackendError("unreachable", "Redis sentinel:svc/0 at A unreachable: connection refused"));
    const during = await f.run(attempt).catch((e: unknown) => e);
    expect(during).toBeInstanceOf(BackendError);
    expect((during as BackendError).code).toBe("reconnecting");
    expect((during as BackendError).message).toMatch(/reconnecting.*connection refused/);
    expect(f.reconnecting).toBe(true);
    advance(10_000);
    const later = await f.run(attempt).catch((e: unknown) => e);
    expect((later as BackendError).code).toBe("unreachable");
  });

  it("a command that timed out is answered as a timeout, and the next call asks again where the primary is", async () => {
    const { f, asked, advance } = follower(["A", "B"]);
    const slow = new BackendError("timeout", "Redis sentinel:svc/0 at A: timeout (no reply in time)");
    await expect(
      f.run(async () => {
        advance(10_000);
        throw slow;
      }),
    ).rejects.toBe(slow);
    expect((await f.current()).address).toBe("B");
    expect(asked).toHaveLength(2);
  });

  it("a resolver still looking ('reconnecting') is waited out; no sentinel answering is said at once", async () => {
    const looking = new BackendError("reconnecting", "no primary named by the sentinels answers as one");
    const { f } = follower([looking, looking, "B"]);
    expect(await f.run(async (at) => at.address)).toBe("B");

    const down = new BackendError("unreachable", "Redis sentinel:svc/0 unreachable: no sentinel answers");
    const { f: g, asked } = follower([down]);
    await expect(g.run(async (at) => at.address)).rejects.toBe(down);
    expect(asked).toHaveLength(1);
  });

  it("an old answer is checked again in the background: a switch no socket noticed is followed", async () => {
    const { f, advance } = follower(["A", "B"], { recheckAfterMs: 2_000 });
    expect((await f.current()).address).toBe("A");
    advance(2_000);
    // This call still goes to A; the check it started finds B for the next one.
    expect((await f.current()).address).toBe("A");
    await f.settle();
    expect((await f.current()).address).toBe("B");
  });

  it("a background check that fails leaves the kept answer alone", async () => {
    const { f, advance } = follower(["A", new BackendError("unreachable", "no sentinel answers"), "C"], { recheckAfterMs: 2_000 });
    await f.current();
    advance(2_000);
    await f.current();
    await f.settle();
    expect((await f.current()).address).toBe("A");
  });
});
