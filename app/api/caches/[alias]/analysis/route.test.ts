import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GET, POST } from "./route";

/**
 * The real handler, auth and all, with a context built from the environment. Only answers that come before any
 * server is walked are checked here; the analysis itself is in lib/analysis/analysis.int.test.ts.
 */

const holder = globalThis as unknown as { __cachescope?: unknown };
const TOKEN = "route-test-token";
const saved = { ...process.env };

beforeEach(() => {
  holder.__cachescope = undefined;
  Object.assign(process.env, {
    CACHESCOPE_TOKEN: TOKEN,
    CACHESCOPE_CACHES: JSON.stringify({
      default: { BACKEND: "django_redis.cache.RedisCache", LOCATION: "redis://127.0.0.1:1/0" },
      nothing: { BACKEND: "django.core.cache.backends.dummy.DummyCache" },
    }),
    CACHESCOPE_AUDIT_LOG: "/dev/null",
  });
});

afterEach(() => {
  process.env = { ...saved };
  holder.__cachescope = undefined;
});

function request(method: string, alias: string, body?: string, auth = true) {
  const req = new NextRequest(`http://localhost/api/caches/${alias}/analysis`, {
    method,
    ...(body !== undefined ? { body } : {}),
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${TOKEN}` } : {}) },
  });
  return (method === "GET" ? GET : POST)(req, { params: Promise.resolve({ alias }) });
}

async function answer(res: Response) {
  return {
    status: res.status,
    body: (await res.json()) as { error?: { code: string; message: string }; job?: unknown; running?: unknown },
  };
}

describe("POST /api/caches/{alias}/analysis", () => {
  it("refuses a bad sample, a body that is not JSON, unknown fields, no login and unknown aliases", async () => {
    expect(await answer(await request("POST", "default", '{"sample": 10}'))).toMatchObject({
      status: 400,
      body: { error: { message: "sample: at least 100" } },
    });
    expect((await answer(await request("POST", "default", "{nope"))).status).toBe(400);
    expect((await answer(await request("POST", "default", '{"full": true}'))).status).toBe(400);
    expect((await answer(await request("POST", "default", "{}", false))).status).toBe(401);
    expect((await answer(await request("POST", "missing", "{}"))).status).toBe(404);
  });

  it("says a cache that cannot list its entries cannot be analysed", async () => {
    const { status, body } = await answer(await request("POST", "nothing", ""));
    expect(status).toBe(400);
    expect(body.error?.code).toBe("not_listable");
  });
});

describe("GET /api/caches/{alias}/analysis", () => {
  it("answers null for a cache never analysed", async () => {
    expect(await answer(await request("GET", "default"))).toEqual({ status: 200, body: { job: null, running: null } });
  });
});
