import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Console } from "node:console";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import Redis from "ioredis";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, withServerEnv, type Call, type Handler, type ServerEnv } from "@/test/routes";
import { startMemcached, type MemcachedServerHandle } from "@/test/memcached-server";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { getContext } from "@/lib/server/context";
import { installLogRedaction } from "./log-redaction";

/**
 * No configured secret leaves the config layer: a real redis-server with requirepass, a SASL memcached, aliases that
 * carry their passwords in every place Django settings put them (URL userinfo, ?password=, OPTIONS.PASSWORD,
 * CONNECTION_POOL_KWARGS, SENTINEL_KWARGS, SASL username/password), some of them pointing at nothing (errors echo
 * what they were given). Every GET route is walked for every alias, and the answers, the audit log, the metrics and
 * the console are searched for each password.
 */

const REDIS_PORT = Number(process.env.CACHESCOPE_TEST_SECRETS_REDIS_PORT ?? 6378);
const MEMCACHED_PORT = Number(process.env.CACHESCOPE_TEST_SECRETS_MEMCACHED_PORT ?? 11277);
const TOKEN = "secrets-test-token-0123456789abcdef";

const REDIS_PW = "Redis-Pa55word-Zanzibar";
const SASL = { username: "cachescope-sasl", password: "Sasl-Pa55word-Kilimanjaro" };
const SENTINEL_PW = "Sentinel-Pa55word-Okavango";
const SECRETS = [REDIS_PW, SASL.password, SENTINEL_PW, SASL.username];

const redisUrl = (db: number, port = REDIS_PORT) => `redis://:${REDIS_PW}@127.0.0.1:${port}/${db}`;

const CACHES = {
  url: { BACKEND: "django_redis.cache.RedisCache", LOCATION: redisUrl(0), KEY_PREFIX: "app" },
  query: { BACKEND: "django.core.cache.backends.redis.RedisCache", LOCATION: `redis://127.0.0.1:${REDIS_PORT}/1?password=${REDIS_PW}` },
  options: { BACKEND: "django_redis.cache.RedisCache", LOCATION: `redis://127.0.0.1:${REDIS_PORT}/2`, OPTIONS: { PASSWORD: REDIS_PW } },
  pool: {
    BACKEND: "django_redis.cache.RedisCache",
    LOCATION: `redis://127.0.0.1:${REDIS_PORT}/3`,
    OPTIONS: { CONNECTION_POOL_KWARGS: { password: REDIS_PW } },
  },
  sentinel: {
    BACKEND: "django_redis.cache.RedisCache",
    LOCATION: "redis://mymaster/0",
    OPTIONS: {
      CLIENT_CLASS: "django_redis.client.SentinelClient",
      SENTINELS: [["127.0.0.1", 1]],
      SENTINEL_KWARGS: { password: SENTINEL_PW },
      PASSWORD: REDIS_PW,
    },
  },
  wrongport: { BACKEND: "django_redis.cache.RedisCache", LOCATION: redisUrl(0, 1) },
  wrongpw: { BACKEND: "django_redis.cache.RedisCache", LOCATION: `redis://:${REDIS_PW}-not@127.0.0.1:${REDIS_PORT}/0` },
  sasl: {
    BACKEND: "django.core.cache.backends.memcached.PyLibMCCache",
    LOCATION: `127.0.0.1:${MEMCACHED_PORT}`,
    OPTIONS: { binary: true, ...SASL },
  },
  saslwrong: {
    BACKEND: "django.core.cache.backends.memcached.PyLibMCCache",
    LOCATION: "127.0.0.1:1",
    OPTIONS: { binary: true, ...SASL },
  },
  broken: { BACKEND: "django_redis.cache.RedisCache", LOCATION: `http://:${REDIS_PW}@nowhere/0` },
};
const ALIASES = Object.keys(CACHES);

let redis: RedisServerHandle;
let memcached: MemcachedServerHandle;
let env: ServerEnv;
let dir: string;
let auditLog: string;
const answers: { what: string; call: Call }[] = [];

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s) || text.includes(encodeURIComponent(s)));
}

async function get<P>(handler: Handler<P>, url: string, params?: P): Promise<Call> {
  const call = await callRoute(handler, url, { ...(params !== undefined ? { params } : {}), token: TOKEN });
  answers.push({ what: `GET ${url}`, call });
  return call;
}

beforeAll(async () => {
  redis = await startRedisServer({ port: REDIS_PORT, args: ["--requirepass", REDIS_PW] });
  memcached = await startMemcached({ port: MEMCACHED_PORT, sasl: SASL });
  const client = new Redis({ port: REDIS_PORT, password: REDIS_PW, protocol: 2 });
  await client.set("app:1:greeting", "hello");
  await client.set(":1:visits", "42");
  client.disconnect();
  dir = mkdtempSync(path.join(os.tmpdir(), "cachescope-secrets-"));
  auditLog = path.join(dir, "audit.log");
  env = withServerEnv({ CACHESCOPE_TOKEN: TOKEN, CACHESCOPE_CACHES: JSON.stringify(CACHES), CACHESCOPE_AUDIT_LOG: auditLog });
});

afterAll(async () => {
  for (const backend of getContext().backends.values()) await backend?.close().catch(() => undefined);
  env?.restore();
  await Promise.all([redis?.stop(), memcached?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("no password in any answer, record, metric or log line", () => {
  it("the connections work with the real passwords (so the test is not vacuous)", async () => {
    const { GET } = await import("@/app/api/caches/route");
    const body = (await get(GET, "/api/caches")).json<{
      caches: { alias: string; status: { ok: boolean; error?: string }; locations: string[] }[];
    }>();
    const ok = Object.fromEntries(body.caches.map((c) => [c.alias, c.status.ok]));
    expect(ok).toMatchObject({
      url: true,
      query: true,
      options: true,
      pool: true,
      sasl: true,
      wrongport: false,
      wrongpw: false,
      sentinel: false,
      saslwrong: false,
    });
    const url = body.caches.find((c) => c.alias === "url");
    expect(url?.locations).toEqual([`redis://:***@127.0.0.1:${REDIS_PORT}/0`]);
    // The failures say why, in words an operator can act on.
    const errors = Object.fromEntries(body.caches.map((c) => [c.alias, c.status.error ?? ""]));
    expect(errors.wrongport).toMatch(/unreachable/);
    expect(errors.wrongpw).toMatch(/auth|WRONGPASS/i);
  });

  it("walks every GET route of every alias", async () => {
    const routes = {
      health: await import("@/app/api/health/route"),
      caches: await import("@/app/api/caches/route"),
      cache: await import("@/app/api/caches/[alias]/route"),
      keys: await import("@/app/api/caches/[alias]/keys/route"),
      entry: await import("@/app/api/caches/[alias]/entry/route"),
      cacheHealth: await import("@/app/api/caches/[alias]/health/route"),
      stats: await import("@/app/api/caches/[alias]/stats/route"),
      history: await import("@/app/api/caches/[alias]/stats/history/route"),
      analysis: await import("@/app/api/caches/[alias]/analysis/route"),
      invalidate: await import("@/app/api/caches/[alias]/invalidate/route"),
      jobs: await import("@/app/api/jobs/route"),
      job: await import("@/app/api/jobs/[id]/route"),
      audit: await import("@/app/api/audit/route"),
      auditStatus: await import("@/app/api/audit/status/route"),
      metrics: await import("@/app/api/metrics/route"),
    };
    await get(routes.health.GET, "/api/health");
    await get(routes.caches.GET, "/api/caches");
    for (const alias of ALIASES) {
      const p = { alias };
      const base = `/api/caches/${alias}`;
      await get(routes.cache.GET, base, p);
      await get(routes.keys.GET, `${base}/keys?count=50`, p);
      await get(routes.keys.GET, `${base}/keys?count=50&raw=1`, p);
      await get(routes.entry.GET, `${base}/entry?key=greeting`, p);
      await get(routes.entry.GET, `${base}/entry?raw=${encodeURIComponent(":1:visits")}`, p);
      await get(routes.cacheHealth.GET, `${base}/health`, p);
      await get(routes.stats.GET, `${base}/stats`, p);
      await get(routes.history.GET, `${base}/stats/history?seconds=60`, p);
      // Writes that fail on the broken aliases echo their errors; they are audited too.
      const started = await callRoute(routes.analysis.POST, `${base}/analysis`, { method: "POST", params: p, body: {}, token: TOKEN });
      answers.push({ what: `POST ${base}/analysis`, call: started });
      const dry = await callRoute(routes.invalidate.POST, `${base}/invalidate`, {
        method: "POST",
        params: p,
        body: { target: { prefix: "x" } },
        token: TOKEN,
      });
      answers.push({ what: `POST ${base}/invalidate (dry run)`, call: dry });
      const del = await callRoute(routes.entry.DELETE, `${base}/entry?raw=absent`, { method: "DELETE", params: p, token: TOKEN });
      answers.push({ what: `DELETE ${base}/entry`, call: del });
    }
    // Let the analyses end (the failing ones fail with a backend error in their job).
    for (let i = 0; i < 200; i++) {
      const list = (await callRoute(routes.jobs.GET, "/api/jobs", { token: TOKEN })).json<{ jobs: { state: string }[] }>();
      if (list.jobs.every((j) => j.state !== "running")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const jobs = (await get(routes.jobs.GET, "/api/jobs")).json<{ jobs: { id: string; state: string; errors: string[] }[] }>();
    expect(jobs.jobs.some((j) => j.state === "failed" && j.errors.length > 0)).toBe(true);
    for (const job of jobs.jobs) await get(routes.job.GET, `/api/jobs/${job.id}`, { id: job.id });
    for (const alias of ALIASES) await get(routes.analysis.GET, `/api/caches/${alias}/analysis`, { alias });
    await get(routes.audit.GET, "/api/audit");
    await get(routes.audit.GET, "/api/audit?records=1");
    await get(routes.auditStatus.GET, "/api/audit/status");
    const metrics = await get(routes.metrics.GET, "/api/metrics");
    expect(metrics.text).toMatch(/cachescope_up\{alias="url"/);

    const leaked = answers.flatMap(({ what, call }) => leaks(call.text).map((s) => `${what} (${call.status}) shows ${s}`));
    expect(leaked).toEqual([]);
    // Errors were exercised, not just successes: the answers include 5xx with messages.
    expect(answers.some(({ call }) => call.status >= 500 && /unreachable|auth|sentinel|WRONGPASS/i.test(call.text))).toBe(true);
    expect(answers.length).toBeGreaterThan(ALIASES.length * 10);
  });

  it("the home page, rendered from the real /api/caches answer, shows masked locations and no password", async () => {
    const { GET } = await import("@/app/api/caches/route");
    const { default: HomePage } = await import("@/app/page");
    const answer = (await get(GET, "/api/caches")).json();
    const client = new QueryClient();
    client.setQueryData(["caches"], answer);
    const html = renderToString(createElement(QueryClientProvider, { client }, createElement(HomePage)));
    expect(html).toContain(`redis://:***@127.0.0.1:${REDIS_PORT}/0`);
    expect(html).toContain('data-testid="cache-row-sasl"');
    expect(leaks(html)).toEqual([]);
  });

  it("the audit log on disk holds no password", () => {
    const text = readFileSync(auditLog, "utf8");
    expect(text.split("\n").length).toBeGreaterThan(ALIASES.length);
    expect(leaks(text)).toEqual([]);
  });

  it("console lines carry no password, whatever is logged (an error echoing a URL, the config itself)", async () => {
    const out: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        out.push(String(chunk));
        done();
      },
    });
    const captured = new Console({ stdout: sink, stderr: sink });
    installLogRedaction(captured);
    const { connectionOf } = await import("./connection");
    const caches = getContext().config.caches;
    captured.error("[cachescope]", new Error(`connect to ${redisUrl(0)} failed: AUTH ${REDIS_PW}`));
    captured.log("config", caches);
    captured.warn(`sasl ${SASL.password} sentinel ${SENTINEL_PW}`);
    captured.info({ nested: { deeper: { password: connectionOf(caches[0]).locations[0] } } });
    const text = out.join("");
    expect(text).toContain("connect to redis://:***@127.0.0.1");
    expect(leaks(text)).toEqual([]);
    // The real ones were there to leak: the config holds them for its connections.
    expect(connectionOf(caches[0]).locations[0]).toContain(REDIS_PW);
  });
});
