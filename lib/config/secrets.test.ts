import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { connectionOf, configForLocation } from "./connection";
import { loadConfig } from "./load";
import { formatConfigError, parseCaches } from "./parse";
import { redactText, redactUrls, Secret } from "./secrets";

const PW = "Tr0ub4dor&3-unit";

describe("Secret", () => {
  it("prints as [redacted] through JSON, String and util.inspect, and reveals only on purpose", () => {
    const s = new Secret({ password: PW });
    expect(JSON.stringify({ s })).toBe('{"s":"[redacted]"}');
    expect(String(s)).toBe("[redacted]");
    expect(`${s}`).toBe("[redacted]");
    expect(inspect({ s }, { depth: 10, showHidden: true })).not.toContain(PW);
    expect(Object.keys(s)).toEqual([]);
    expect(s.reveal().password).toBe(PW);
  });
});

describe("parsed aliases keep their secrets apart", () => {
  const caches = {
    url: { BACKEND: "django_redis.cache.RedisCache", LOCATION: `redis://user:${encodeURIComponent(PW)}@10.0.0.1:6379/1` },
    query: {
      BACKEND: "django.core.cache.backends.redis.RedisCache",
      LOCATION: `rediss://10.0.0.2:6380/0?password=${encodeURIComponent(`${PW}-q`)}&db=2`,
    },
    socket: { BACKEND: "django_redis.cache.RedisCache", LOCATION: `unix://:${PW}-u@/run/redis.sock?db=3` },
    options: {
      BACKEND: "django_redis.cache.RedisCache",
      LOCATION: "redis://sentinel-service/0",
      OPTIONS: {
        PASSWORD: `${PW}-o`,
        CLIENT_CLASS: "django_redis.client.SentinelClient",
        SENTINELS: [["127.0.0.1", 26379]],
        SENTINEL_KWARGS: { password: `${PW}-s` },
        CONNECTION_POOL_KWARGS: { password: `${PW}-p`, max_connections: 5 },
        SERIALIZER: "django_redis.serializers.json.JSONSerializer",
      },
    },
    sasl: {
      BACKEND: "django.core.cache.backends.memcached.PyLibMCCache",
      LOCATION: "127.0.0.1:11211",
      OPTIONS: { binary: true, username: "mc-user", password: `${PW}-m` },
    },
  };
  const { caches: parsed, errors } = parseCaches(caches);

  it("shows masked LOCATIONs and OPTIONS, and nothing in the whole config serialises a password", () => {
    expect(errors).toEqual([]);
    const byAlias = Object.fromEntries(parsed.map((c) => [c.alias, c]));
    expect(byAlias.url.locations).toEqual(["redis://user:***@10.0.0.1:6379/1"]);
    expect(byAlias.query.locations).toEqual(["rediss://10.0.0.2:6380/0?password=***&db=2"]);
    expect(byAlias.socket.locations).toEqual(["unix://:***@/run/redis.sock?db=3"]);
    expect(byAlias.options.options).toMatchObject({
      PASSWORD: "***",
      SENTINEL_KWARGS: { password: "***" },
      CONNECTION_POOL_KWARGS: { password: "***", max_connections: 5 },
      SERIALIZER: "django_redis.serializers.json.JSONSerializer",
    });
    expect(byAlias.sasl.options).toEqual({ binary: true, username: "***", password: "***" });
    const everything = JSON.stringify(parsed) + inspect(parsed, { depth: 20 }) + String(parsed.map((c) => `${c.connection}`));
    expect(everything).not.toContain(PW);
    expect(everything).not.toContain(encodeURIComponent(PW));
  });

  it("hands the real ones to a backend, also per shard", () => {
    const byAlias = Object.fromEntries(parsed.map((c) => [c.alias, c]));
    expect(connectionOf(byAlias.url).locations[0]).toContain(encodeURIComponent(PW));
    expect(connectionOf(byAlias.options).options).toMatchObject({ PASSWORD: `${PW}-o`, SENTINEL_KWARGS: { password: `${PW}-s` } });
    expect(connectionOf(byAlias.sasl).options).toMatchObject({ username: "mc-user", password: `${PW}-m` });
    const shard = configForLocation(byAlias.url, 0);
    expect(shard.locations).toEqual(byAlias.url.locations);
    expect(connectionOf(shard).locations[0]).toContain(encodeURIComponent(PW));
    expect(JSON.stringify(shard)).not.toContain(encodeURIComponent(PW));
  });

  it("masks every configured secret in free text: a driver's error, a log line", () => {
    const text = `connect failed: AUTH ${PW}-o rejected; sentinel said ${PW}-s; url redis://x:${encodeURIComponent(PW)}@h; ${PW}-m`;
    const masked = redactText(text);
    expect(masked).not.toContain(PW);
    expect(masked).not.toContain(encodeURIComponent(PW));
    expect(masked).toContain("connect failed: AUTH *** rejected");
  });
});

describe("redactUrls", () => {
  it("masks passwords in URLs it was never told about", () => {
    expect(redactUrls("see redis://admin:hunter2@db:6379/0 and rediss://:p@x/1")).toBe(
      "see redis://admin:***@db:6379/0 and rediss://:***@x/1",
    );
    expect(redactUrls("redis://h/0?db=1&password=abc&sentinel_password=def")).toBe("redis://h/0?db=1&password=***&sentinel_password=***");
    expect(redactUrls("redis://h:6379/0 has no password")).toBe("redis://h:6379/0 has no password");
  });
});

describe("config errors never quote a secret", () => {
  it("an alias that fails validation still has its password masked in messages", () => {
    const { errors } = parseCaches({
      bad: { BACKEND: "django_redis.cache.RedisCache", LOCATION: "redis://:Zebra-Crossing-42@h/0", VERSION: "2" },
    });
    expect(errors.map(formatConfigError)).toEqual(['CACHES["bad"].VERSION: expected an integer']);
    expect(redactText("echo Zebra-Crossing-42")).toBe("echo ***");
  });

  it("invalid JSON is reported without V8's quote of the text around the mistake", () => {
    const doc = `{"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {"PASSWORD": "Quokka-Secret-7"}} x}`;
    const c = loadConfig({ CACHESCOPE_CACHES: doc }, () => ({}));
    expect(c.errors[0].message).toMatch(/CACHESCOPE_CACHES is not valid JSON/);
    expect(c.errors[0].message).not.toContain("Quokka");
    const short = loadConfig({ CACHESCOPE_CACHES: '{"x": Quokka-Secret-7}' }, () => ({}));
    expect(short.errors[0].message).not.toContain("Quokka");
  });
});
