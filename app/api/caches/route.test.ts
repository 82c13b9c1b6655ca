import { afterEach, describe, expect, it } from "vitest";
import { callRoute, withServerEnv, type ServerEnv } from "@/test/routes";
import { GET } from "./route";

/** The home page's list: one alias whose LOCATION cannot be used is reported in its row; it never hides the others. */

const TOKEN = "caches-route-test-token";
let env: ServerEnv | null = null;

afterEach(() => {
  env?.restore();
  env = null;
});

interface Row {
  alias: string;
  kind: string;
  status: { ok: boolean; error?: string };
}

describe("GET /api/caches", () => {
  it("lists every alias when one has a LOCATION its backend cannot use", async () => {
    env = withServerEnv({
      CACHESCOPE_TOKEN: TOKEN,
      CACHESCOPE_AUDIT_LOG: "/dev/null",
      CACHESCOPE_CACHES: JSON.stringify({
        broken_mc: { BACKEND: "django.core.cache.backends.memcached.PyMemcacheCache", LOCATION: "127.0.0.1:notaport" },
        broken_redis: { BACKEND: "django_redis.cache.RedisCache", LOCATION: "ftp://nowhere" },
        nothing: { BACKEND: "django.core.cache.backends.dummy.DummyCache" },
      }),
    });
    const res = await callRoute(GET, "/api/caches", { token: TOKEN });
    expect(res.status).toBe(200);
    const rows = res.json<{ caches: Row[] }>().caches;
    expect(rows.map((r) => r.alias)).toEqual(["broken_mc", "broken_redis", "nothing"]);
    expect(rows[0]).toMatchObject({ kind: "memcached", status: { ok: false, error: expect.stringMatching(/notaport/) } });
    expect(rows[1]).toMatchObject({ kind: "redis", status: { ok: false, error: expect.stringMatching(/redis:\/\//) } });
    expect(rows[2]).toMatchObject({ kind: "dummy", status: { ok: true } });
  });
});
