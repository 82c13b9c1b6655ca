import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { POST } from "./route";

/**
 * The real handler, auth and all, with a context built from the environment. Only answers that come before any
 * Redis call are checked here (the server named in the config does not exist); the deletions themselves are in
 * lib/invalidate/invalidate.int.test.ts.
 */

const holder = globalThis as unknown as { __cachescope?: unknown };
const TOKEN = "route-test-token";
const saved = { ...process.env };

function useEnv(extra: Record<string, string>) {
  holder.__cachescope = undefined;
  Object.assign(process.env, {
    CACHESCOPE_TOKEN: TOKEN,
    CACHESCOPE_CACHES: JSON.stringify({
      default: { BACKEND: "django_redis.cache.RedisCache", LOCATION: "redis://127.0.0.1:1/0" },
    }),
    CACHESCOPE_AUDIT_LOG: "/dev/null",
    ...extra,
  });
}

function post(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const req = new NextRequest("http://localhost/api/caches/default/invalidate", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
  return POST(req, { params: Promise.resolve({ alias: "default" }) });
}

async function answer(res: Response) {
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

beforeEach(() => useEnv({}));
afterEach(() => {
  process.env = { ...saved };
  holder.__cachescope = undefined;
});

describe("POST /api/caches/{alias}/invalidate", () => {
  it("refuses an empty prefix (that is clear)", async () => {
    const { status, body } = await answer(await post({ target: { prefix: "" }, dryRun: true }));
    expect(status).toBe(400);
    expect(body.error?.message).toMatch(/empty prefix.*clear/);
  });

  it("refuses a URL that does not parse, or is not http(s), saying why", async () => {
    const bad = await answer(await post({ target: { url: "not a url" } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/target\.url: .*not an absolute URL/);
    const ftp = await answer(await post({ target: { url: "ftp://example.com/file" } }));
    expect(ftp.status).toBe(400);
    expect(ftp.body.error?.message).toMatch(/only http and https/);
  });

  it("refuses malformed bodies with the field named", async () => {
    expect((await answer(await post({ target: { prefix: "a", url: "http://x/" } }))).body.error?.message).toMatch(/exactly one/);
    expect((await answer(await post({ target: { keys: [] } }))).body.error?.message).toMatch(/at least one key/);
    expect((await answer(await post({ target: { prefix: "a" }, dryRun: "yes" }))).body.error?.message).toMatch(
      /dryRun: expected true or false/,
    );
  });

  it("401 without a token", async () => {
    const { status } = await answer(await post({ target: { prefix: "a" } }, {}));
    expect(status).toBe(401);
  });

  it("403 in read-only mode, before anything is parsed or run", async () => {
    useEnv({ CACHESCOPE_READ_ONLY: "1" });
    const { status, body } = await answer(await post({ target: { prefix: "a" }, dryRun: false }));
    expect(status).toBe(403);
    expect(body.error?.code).toBe("read_only");
  });

  it("404 for an unknown alias", async () => {
    const req = new NextRequest("http://localhost/api/caches/nope/invalidate", {
      method: "POST",
      body: JSON.stringify({ target: { prefix: "a" } }),
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect((await POST(req, { params: Promise.resolve({ alias: "nope" }) })).status).toBe(404);
  });
});
