import { mkdtempSync, promises as fsp, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendRecordFile } from "@/lib/namespaces/test-writer";
import { GET as history } from "./history/route";
import { GET } from "./route";

/** The real handlers, auth and all, reading buckets a test writer put in real directories. */

const holder = globalThis as unknown as { __cachescope?: unknown; __cachescopeNamespaces?: unknown };
const TOKEN = "route-test-token";
const saved = { ...process.env };
let tmp: string;
let cacheDir: string;
let sinkDir: string;

beforeEach(() => {
  holder.__cachescope = undefined;
  holder.__cachescopeNamespaces = undefined;
  tmp = mkdtempSync(path.join(os.tmpdir(), "ns-route-"));
  cacheDir = path.join(tmp, "cache");
  sinkDir = path.join(tmp, "sink");
  Object.assign(process.env, {
    CACHESCOPE_TOKEN: TOKEN,
    CACHESCOPE_CACHES: JSON.stringify({
      files: { BACKEND: "django.core.cache.backends.filebased.FileBasedCache", LOCATION: cacheDir },
      sunk: { BACKEND: "django.core.cache.backends.dummy.DummyCache" },
      nothing: { BACKEND: "django.core.cache.backends.dummy.DummyCache" },
    }),
    CACHESCOPE_SINKS: JSON.stringify({ sunk: sinkDir }),
    CACHESCOPE_AUDIT_LOG: "/dev/null",
  });
});

afterEach(() => {
  process.env = { ...saved };
  holder.__cachescope = undefined;
  holder.__cachescopeNamespaces = undefined;
  rmSync(tmp, { recursive: true, force: true });
});

function get(alias: string, query: string, auth = true) {
  const req = new NextRequest(`http://localhost/api/caches/${alias}/namespaces${query}`, {
    headers: auth ? { authorization: `Bearer ${TOKEN}` } : {},
  });
  const isHistory = query.startsWith("/history");
  return (isHistory ? history : GET)(req, { params: Promise.resolve({ alias }) });
}

async function answer(res: Response) {
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

interface Row {
  name: string;
  kind: string;
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  hitRatio: number | null;
  flags: string[];
}

describe("GET /api/caches/{alias}/namespaces", () => {
  it("answers exactly the counts the records hold, summed over processes, with ratios and flags", async () => {
    const now = Date.now() / 1000;
    const dir = path.join(cacheDir, ".cachescope");
    await appendRecordFile(
      dir,
      "files",
      { "api:product-list": { k: "view", h: 12, m: 3, s: 3 }, "fragment:sidebar": { k: "fragment", h: 40, m: 1, s: 1 } },
      now - 12,
      1,
    );
    await appendRecordFile(dir, "files", { "api:product-list": { k: "view", h: 1, m: 1, s: 1, d: 2 }, report: { k: "key", s: 5 } }, now, 2);
    await appendRecordFile(dir, "files", { search: { k: "key", h: 1, m: 19, s: 19 } }, now, 3);
    const { status, body } = await answer(await get("files", "?window=60"));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      alias: "files",
      source: "django",
      windowSeconds: 60,
      records: 3,
      total: { hits: 54, misses: 24, sets: 29, deletes: 2 },
    });
    const rows = body.namespaces as Row[];
    expect(rows.map((r) => r.name)).toEqual(["search", "api:product-list", "fragment:sidebar", "report"]);
    expect(rows[1]).toMatchObject({ kind: "view", hits: 13, misses: 4, sets: 4, deletes: 2, hitRatio: 13 / 17, flags: [] });
    expect(rows[0].flags).toEqual(["mostly-misses"]);
    expect(rows[3]).toMatchObject({ hitRatio: null, flags: ["written-never-read"] });
    expect(body.skipped).toBeUndefined();
    expect(typeof body.updatedAt).toBe("number");
  });

  it("skips and reports garbage, other versions and cut records instead of failing", async () => {
    const now = Date.now() / 1000;
    const bucket = await appendRecordFile(path.join(cacheDir, ".cachescope"), "files", { a: { k: "key", h: 2 } }, now);
    await fsp.appendFile(
      path.join(cacheDir, ".cachescope", "files", `${bucket}.jsonl`),
      '\x00\xffgarbage\n{"v":2,"alias":"files","ns":{"a":{"k":"key","h":50}}}\n{"v":1,"alias":"files","ns":{"a":{"k":"key","h":',
    );
    const { status, body } = await answer(await get("files", ""));
    expect(status).toBe(200);
    expect(body.skipped).toEqual({ notJson: 1, otherVersion: 1, truncated: 1 });
    expect((body.namespaces as Row[])[0]).toMatchObject({ name: "a", hits: 2 });
  });

  it("says how to install the companion when there are no counters, and why a DummyCache has none", async () => {
    const files = await answer(await get("files", ""));
    expect(files.body).toMatchObject({ source: null, namespaces: [], reason: expect.stringContaining("INSTALLED_APPS") });
    const nothing = await answer(await get("nothing", ""));
    expect(nothing.body).toMatchObject({ source: null, reason: expect.stringContaining("CACHESCOPE_SINKS") });
  });

  it("reads a DummyCache's counters from the directory CACHESCOPE_SINKS names", async () => {
    await appendRecordFile(sinkDir, "sunk", { session: { k: "session", m: 7, s: 7 } }, Date.now() / 1000);
    const { body } = await answer(await get("sunk", "?window=300"));
    expect(body).toMatchObject({ source: "django", windowSeconds: 300, total: { hits: 0, misses: 7, hitRatio: 0 } });
  });

  it("refuses a counter directory that is a symlink, and a bucket file that is one", async () => {
    const elsewhere = path.join(tmp, "elsewhere");
    await appendRecordFile(elsewhere, "files", { a: { k: "key", h: 1 } }, Date.now() / 1000);
    await fsp.mkdir(cacheDir, { recursive: true });
    await fsp.symlink(elsewhere, path.join(cacheDir, ".cachescope"));
    expect(await answer(await get("files", ""))).toMatchObject({ status: 502, body: { error: { code: "counters_unreadable" } } });

    await fsp.rm(path.join(cacheDir, ".cachescope"));
    const bucket = await appendRecordFile(path.join(cacheDir, ".cachescope"), "files", { b: { k: "key", h: 1 } }, Date.now() / 1000 - 20);
    const victim = path.join(elsewhere, "files", `${bucket}.jsonl`);
    await fsp.writeFile(victim, '{"v":1,"alias":"files","ns":{"secret":{"k":"key","h":1}}}\n');
    await fsp.symlink(victim, path.join(cacheDir, ".cachescope", "files", `${bucket + 10}.jsonl`));
    const { body } = await answer(await get("files", ""));
    expect((body.namespaces as Row[]).map((r) => r.name)).toEqual(["b"]);
    expect(body.skipped).toEqual({ unreadable: 1 });
  });

  it("answers 400 for a bad window, 404 for an unknown alias, 401 without a login", async () => {
    expect(await answer(await get("files", "?window=abc"))).toMatchObject({
      status: 400,
      body: { error: { message: "window: expected a whole number of seconds" } },
    });
    expect(await answer(await get("files", "?window=5"))).toMatchObject({
      status: 400,
      body: { error: { message: "window: at least 10 (one bucket)" } },
    });
    expect((await answer(await get("files", "?window=999999"))).status).toBe(400);
    expect((await answer(await get("files", "?window=1.5"))).status).toBe(400);
    expect((await answer(await get("missing", ""))).status).toBe(404);
    expect((await answer(await get("files", "", false))).status).toBe(401);
  });
});

describe("GET /api/caches/{alias}/namespaces/history", () => {
  it("gives 10-s points of one namespace (zeros between flushes), or of all summed", async () => {
    const now = Date.now() / 1000;
    const dir = path.join(cacheDir, ".cachescope");
    const b1 = await appendRecordFile(dir, "files", { a: { k: "key", h: 3, m: 1 }, c: { k: "key", s: 4 } }, now - 30);
    const b2 = await appendRecordFile(dir, "files", { a: { k: "key", m: 2, d: 1 } }, now);
    const { status, body } = await answer(await get("files", `/history?name=a&since=${b1 * 1000}`));
    expect(status).toBe(200);
    const points = body.points as { t: number; hits: number; misses: number; sets: number; deletes: number; hitRatio: number | null }[];
    expect(body).toMatchObject({ name: "a", source: "django", stepSeconds: 10 });
    expect(points[0]).toEqual({ t: b1 * 1000, hits: 3, misses: 1, sets: 0, deletes: 0, hitRatio: 0.75 });
    expect(points.find((p) => p.t === b2 * 1000)).toEqual({ t: b2 * 1000, hits: 0, misses: 2, sets: 0, deletes: 1, hitRatio: 0 });
    expect(points.filter((p) => p.t > b1 * 1000 && p.t < b2 * 1000).every((p) => p.hits + p.misses === 0 && p.hitRatio === null)).toBe(
      true,
    );
    const all = await answer(await get("files", `/history?since=${b1 * 1000}`));
    expect((all.body.points as { sets: number }[])[0].sets).toBe(4);
    // The default range is the last hour.
    expect((await answer(await get("files", "/history?name=a"))).body.points).toHaveLength(360);
  });

  it("answers 400 for an empty name or a bad since", async () => {
    expect(await answer(await get("files", "/history?name="))).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^name: must not be empty/) } },
    });
    expect((await answer(await get("files", "/history?name=a&since=yesterday"))).status).toBe(400);
    expect((await answer(await get("files", `/history?name=${"x".repeat(201)}`))).status).toBe(400);
  });
});
