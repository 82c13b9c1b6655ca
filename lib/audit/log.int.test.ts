import { mkdtemp, readFile, rm, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appendAudit, readAudit, readAuditActions, UNFINISHED, type AuditEntry } from "./log";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const entry = (n: number): AuditEntry => ({
  at: new Date(1_700_000_000_000 + n).toISOString(),
  actor: "token",
  action: "delete",
  alias: "default",
  target: { raw: `:1:k${n}` },
  dryRun: false,
  matched: 1,
  deleted: 1,
  outcome: "done",
});

describe("audit log on disk", () => {
  it("appends JSON lines and reads the newest first, skipping torn lines", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "audit-"));
    dirs.push(dir);
    const file = path.join(dir, "nested", "audit.log");
    await Promise.all([0, 1, 2, 3, 4].map((n) => appendAudit(file, entry(n))));
    await appendFile(file, "{torn\n");
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    expect(lines).toHaveLength(6);
    const got = await readAudit(file, 3);
    expect(got).toHaveLength(3);
    expect(new Set((await readAudit(file, 10)).map((e) => (e.target as { raw: string }).raw)).size).toBe(5);
  });
  it("keeps only one cache's or one action's entries when asked", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "audit-"));
    dirs.push(dir);
    const file = path.join(dir, "audit.log");
    await appendAudit(file, entry(1));
    await appendAudit(file, { ...entry(2), alias: "pages" });
    await appendAudit(file, { ...entry(3), alias: "pages", action: "purge" });
    expect((await readAudit(file, 10, { alias: "pages" })).map((e) => e.action)).toEqual(["purge", "delete"]);
    expect((await readAudit(file, 10, { action: "delete" })).map((e) => e.alias)).toEqual(["pages", "default"]);
    expect(await readAudit(file, 10, { alias: "pages", action: "clear" })).toEqual([]);
  });
  it("reads a missing log as empty", async () => {
    expect(await readAudit("/nonexistent/dir/audit.log", 5)).toEqual([]);
  });

  it("folds an action's records into one row with its latest state; running or unfinished when no outcome", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "audit-"));
    dirs.push(dir);
    const file = path.join(dir, "audit.log");
    const rec = (n: number, id: string, phase: "intent" | "progress" | "outcome", extra: Partial<AuditEntry> = {}) =>
      appendAudit(file, {
        ...entry(n),
        id,
        phase,
        role: "admin",
        action: "purge",
        job: `job-${id}`,
        matched: null,
        deleted: null,
        outcome: phase,
        ...extra,
      });
    await appendAudit(file, entry(0));
    await rec(1, "a", "intent");
    await rec(2, "a", "progress", { deleted: 500 });
    await rec(3, "b", "intent");
    await rec(4, "a", "outcome", { deleted: 900, matched: 900, outcome: "done" });
    await rec(5, "c", "intent");
    await rec(6, "c", "progress", { deleted: 10 });
    const rows = await readAuditActions(file, 10, {}, (job) => job === "job-c");
    expect(rows.map((r) => [r.id ?? null, r.outcome, r.deleted, r.records, r.finished])).toEqual([
      ["c", "running", 10, 2, false],
      ["a", "done", 900, 3, true],
      ["b", UNFINISHED, null, 1, false],
      [null, "done", 1, 1, true],
    ]);
    expect(rows[1]).toMatchObject({ startedAt: entry(1).at, at: entry(4).at });
    // The limit counts actions, not records.
    expect((await readAuditActions(file, 2)).map((r) => r.id)).toEqual(["c", "a"]);
    expect((await readAuditActions(file, 2))[1].records).toBe(3);
  });
});
