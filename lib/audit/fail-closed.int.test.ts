import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import Redis from "ioredis";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { jobs, type Job } from "@/lib/jobs/registry";
import { getContext } from "@/lib/server/context";
import { callRoute, withServerEnv, type ServerEnv } from "@/test/routes";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { readAudit } from "./log";

/**
 * The audit log fails closed, through the real routes on a real redis-server: a log that cannot be written refuses
 * every delete, purge and cancel before anything is deleted (503 audit_unavailable), the home page's answer says so,
 * and a log that becomes unwritable in the middle of a purge stops the purge at its next batch. Tests run as root,
 * who ignores permission bits: the log is made unwritable by putting a regular file where its directory should be
 * (ENOTDIR), or a directory where the file should be (EISDIR).
 */

const PORT = Number(process.env.CACHESCOPE_TEST_AUDIT_REDIS_PORT ?? 6377);
const TOKEN = "audit-test-token-0123456789abcdef";
const CACHES = { default: { BACKEND: "django_redis.cache.RedisCache", LOCATION: `redis://127.0.0.1:${PORT}/0` } };

let server: RedisServerHandle;
let raw: Redis;
let root: string;
let env: ServerEnv | null = null;

beforeAll(async () => {
  server = await startRedisServer({ port: PORT });
  raw = new Redis({ port: PORT, protocol: 2 });
  root = mkdtempSync(path.join(os.tmpdir(), "cachescope-audit-"));
});
afterEach(async () => {
  if (env) {
    for (const backend of getContext().backends.values()) await backend?.close().catch(() => undefined);
    env.restore();
    env = null;
  }
  await raw.flushdb();
});
afterAll(async () => {
  raw?.disconnect();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

function serve(auditLog: string) {
  env = withServerEnv({ CACHESCOPE_TOKEN: TOKEN, CACHESCOPE_CACHES: JSON.stringify(CACHES), CACHESCOPE_AUDIT_LOG: auditLog });
}

/** A log path under a regular file: no one, root included, can create it. */
function unwritableLog(name: string): string {
  const blocker = path.join(root, `${name}-blocker`);
  writeFileSync(blocker, "a file where the log's directory should be");
  return path.join(blocker, "audit.log");
}

async function load(n: number, prefix = "k"): Promise<void> {
  for (let i = 0; i < n; i += 10_000) {
    const chunk = Array.from({ length: Math.min(10_000, n - i) }, (_, j) => [`:1:${prefix}.${i + j}`, "v"]).flat();
    await raw.mset(...chunk);
  }
}

const routes = async () => ({
  caches: await import("@/app/api/caches/route"),
  entry: await import("@/app/api/caches/[alias]/entry/route"),
  invalidate: await import("@/app/api/caches/[alias]/invalidate/route"),
  job: await import("@/app/api/jobs/[id]/route"),
  status: await import("@/app/api/audit/status/route"),
  audit: await import("@/app/api/audit/route"),
});

async function ended(id: string): Promise<Job> {
  for (let i = 0; i < 1000; i++) {
    const job = jobs().get(id);
    if (job && job.state !== "running" && job.finishedAt !== null) {
      // The end is recorded (or fails to be) right after finishedAt is set.
      await new Promise((r) => setTimeout(r, 50));
      return job;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${id} did not end`);
}

describe("an unwritable audit log refuses every destructive action", () => {
  it("DELETE answers 503 audit_unavailable and the key is still there; the home page's answer says why", async () => {
    serve(unwritableLog("delete"));
    await raw.set(":1:keep", "v");
    const r = await routes();
    const del = await callRoute(r.entry.DELETE, "/api/caches/default/entry?key=keep", {
      method: "DELETE",
      params: { alias: "default" },
      token: TOKEN,
    });
    expect(del.status).toBe(503);
    expect(del.json()).toMatchObject({
      error: {
        code: "audit_unavailable",
        message: expect.stringMatching(
          /delete refused, nothing was deleted: the audit log cannot be written \((ENOTDIR|EEXIST): a parent of it is not a directory/,
        ),
      },
    });
    expect(await raw.exists(":1:keep")).toBe(1);

    const caches = (await callRoute(r.caches.GET, "/api/caches", { token: TOKEN })).json<{ audit: { writable: boolean; error: string } }>();
    expect(caches.audit).toMatchObject({ writable: false, error: expect.stringMatching(/a parent of it is not a directory/) });
    // The home page, rendered from that answer, says so.
    const { default: HomePage } = await import("@/app/page");
    const client = new QueryClient();
    client.setQueryData(["caches"], caches);
    const html = renderToString(createElement(QueryClientProvider, { client }, createElement(HomePage)));
    expect(html).toMatch(/The audit log is not writable: deletes, purges and cancels are refused/);
    expect(html).toMatch(/a parent of it is not a directory/);
    expect((await callRoute(r.status.GET, "/api/audit/status", { token: TOKEN })).json()).toMatchObject({ writable: false });
  });

  it("a purge is refused before it starts: 503, no job, every key still there; a dry run still answers", async () => {
    serve(unwritableLog("purge"));
    await load(2_000);
    const r = await routes();
    const before = jobs().list().length;
    const purge = await callRoute(r.invalidate.POST, "/api/caches/default/invalidate", {
      method: "POST",
      params: { alias: "default" },
      token: TOKEN,
      body: { target: { prefix: "k." }, dryRun: false },
    });
    expect(purge.status).toBe(503);
    expect(purge.json()).toMatchObject({
      error: { code: "audit_unavailable", message: expect.stringMatching(/^purge refused, nothing was deleted/) },
    });
    expect(jobs().list().length).toBe(before);
    expect(await raw.dbsize()).toBe(2_000);
    // A dry run deletes nothing: it is answered, its record skipped.
    const dry = await callRoute(r.invalidate.POST, "/api/caches/default/invalidate", {
      method: "POST",
      params: { alias: "default" },
      token: TOKEN,
      body: { target: { prefix: "k." } },
    });
    expect(dry.status).toBe(200);
    expect(dry.json()).toMatchObject({ matched: 2_000 });
  });

  it("a log that becomes unwritable mid-purge stops the purge at its next batch; the cancel is refused too", async () => {
    const auditLog = path.join(root, "midjob", "audit.log");
    serve(auditLog);
    const total = 60_000;
    await load(total);
    const r = await routes();
    // A connection already open, so the pause below holds the job's first command, not its connect.
    expect((await callRoute(r.caches.GET, "/api/caches", { token: TOKEN })).json()).toMatchObject({ audit: { writable: true } });
    // The server holds every command for a while: the job starts (its intent on disk) and waits on its first command.
    await raw.call("CLIENT", "PAUSE", "3000", "ALL");
    const started = await callRoute(r.invalidate.POST, "/api/caches/default/invalidate", {
      method: "POST",
      params: { alias: "default" },
      token: TOKEN,
      body: { target: { prefix: "k." }, dryRun: false },
    });
    expect(started.status).toBe(202);
    const { job } = started.json<{ job: Job }>();
    const intent = readFileSync(auditLog, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { phase: string; job: string; role: string });
    expect(intent).toEqual([expect.objectContaining({ phase: "intent", job: job.id, role: "admin", action: "purge" })]);
    // The log goes away while the job waits: a directory where the file was.
    rmSync(auditLog);
    mkdirSync(auditLog);
    const cancel = await callRoute(r.job.DELETE, `/api/jobs/${job.id}`, { method: "DELETE", params: { id: job.id }, token: TOKEN });
    expect(cancel.status).toBe(503);
    expect(cancel.json()).toMatchObject({ error: { code: "audit_unavailable", message: expect.stringMatching(/^cancel refused/) } });

    const done = await ended(job.id);
    expect(done.state).toBe("failed");
    expect(done.errors[0]).toMatch(/the audit log cannot be written \(EISDIR/);
    // One batch at most went before the record of it failed; everything else is still there, and counted right.
    expect(done.deleted).toBeGreaterThan(0);
    expect(done.deleted).toBeLessThan(total / 2);
    expect(await raw.dbsize()).toBe(total - done.deleted);
  });

  it("with a writable log: intent, progress and outcome per action, with the role; GET /api/audit shows one row each", async () => {
    const auditLog = path.join(root, "ok", "audit.log");
    serve(auditLog);
    await load(30_000);
    await raw.set(":1:single", "v");
    const r = await routes();
    const del = await callRoute(r.entry.DELETE, "/api/caches/default/entry?key=single", {
      method: "DELETE",
      params: { alias: "default" },
      token: TOKEN,
    });
    expect(del.json()).toEqual({ deleted: 1 });
    const started = await callRoute(r.invalidate.POST, "/api/caches/default/invalidate", {
      method: "POST",
      params: { alias: "default" },
      token: TOKEN,
      body: { target: { prefix: "k." }, dryRun: false },
    });
    const { job } = started.json<{ job: Job }>();
    expect((await ended(job.id)).state).toBe("done");

    const records = (await readAudit(auditLog, 1000)).reverse();
    expect(records.every((e) => e.role === "admin" && e.actor !== undefined)).toBe(true);
    const phases = (action: string) => records.filter((e) => e.action === action).map((e) => e.phase);
    expect(phases("delete")).toEqual(["intent", "outcome"]);
    const purge = phases("purge");
    expect(purge[0]).toBe("intent");
    expect(purge.at(-1)).toBe("outcome");
    expect(purge.filter((p) => p === "progress").length).toBeGreaterThan(1);

    const rows = (await callRoute(r.audit.GET, "/api/audit", { token: TOKEN })).json<{ entries: Record<string, unknown>[] }>().entries;
    expect(rows.map((e) => [e.action, e.outcome, e.deleted, e.finished, e.role])).toEqual([
      ["purge", "done", 30_000, true, "admin"],
      ["delete", "deleted", 1, true, "admin"],
    ]);
    expect(rows[0]).toMatchObject({ job: job.id, records: purge.length, dryRun: false, matched: 30_000 });
    expect(typeof rows[0].startedAt).toBe("string");
  });
});
