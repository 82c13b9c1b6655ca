import { describe, expect, it } from "vitest";
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, parseRedisLocation } from "./location";

describe("parseRedisLocation", () => {
  it("reads host, port and db from a redis:// URL, with defaults", () => {
    expect(parseRedisLocation("redis://cache.internal:6380/3")).toMatchObject({
      host: "cache.internal",
      port: 6380,
      db: 3,
      tls: false,
      label: "cache.internal:6380/3",
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS,
    });
    expect(parseRedisLocation("redis://localhost")).toMatchObject({ host: "localhost", port: 6379, db: 0 });
  });

  it("decodes user and password and keeps them out of the label", () => {
    const t = parseRedisLocation("rediss://app%40x:p%3Ass@r.example:6390/1");
    expect(t).toMatchObject({ username: "app@x", password: "p:ss", tls: true, rejectUnauthorized: true });
    expect(t.label).toBe("r.example:6390/1");
  });

  it("prefers ?db= over the path, and the path over the db option (redis-py order)", () => {
    expect(parseRedisLocation("redis://h:1/2?db=5", { db: 7 }).db).toBe(5);
    expect(parseRedisLocation("redis://h:1/2", { db: 7 }).db).toBe(2);
    expect(parseRedisLocation("redis://h:1", { db: 7 }).db).toBe(7);
  });

  it("reads unix sockets with ?db= and ?password=", () => {
    expect(parseRedisLocation("unix:///var/run/redis.sock?db=4&password=pw")).toMatchObject({
      path: "/var/run/redis.sock",
      db: 4,
      password: "pw",
      label: "unix:/var/run/redis.sock/4",
    });
    expect(parseRedisLocation("unix:///tmp/r.sock").db).toBe(0);
  });

  it("takes django-redis OPTIONS: PASSWORD and socket timeouts in seconds; the URL password wins", () => {
    const t = parseRedisLocation("redis://h:1/0", { PASSWORD: "opt", SOCKET_CONNECT_TIMEOUT: 0.5, SOCKET_TIMEOUT: 3 });
    expect(t).toMatchObject({ password: "opt", connectTimeoutMs: 500, commandTimeoutMs: 3000 });
    expect(parseRedisLocation("redis://:url@h:1/0", { PASSWORD: "opt" }).password).toBe("url");
  });

  it("takes builtin OPTIONS (password, username) and CONNECTION_POOL_KWARGS cert settings", () => {
    expect(parseRedisLocation("redis://h:1", { password: "b", username: "u" })).toMatchObject({ password: "b", username: "u" });
    expect(parseRedisLocation("rediss://h:1", { CONNECTION_POOL_KWARGS: { ssl_cert_reqs: null } }).rejectUnauthorized).toBe(false);
    expect(parseRedisLocation("rediss://h:1", { ssl_cert_reqs: "none" }).rejectUnauthorized).toBe(false);
  });

  it("rejects what it cannot use, saying why", () => {
    expect(() => parseRedisLocation("127.0.0.1:6379")).toThrow(/not a redis/);
    expect(() => parseRedisLocation("memcached://h:1")).toThrow(/scheme "memcached"/);
    expect(() => parseRedisLocation("redis://h:1/x")).toThrow(/database/);
    expect(() => parseRedisLocation("redis://h:1", { SOCKET_TIMEOUT: -1 })).toThrow(/SOCKET_TIMEOUT/);
  });
});

describe("parseRedisLocation with django-redis SENTINELS", () => {
  it("takes the LOCATION's host as the service and asks the sentinels for its primary", () => {
    const t = parseRedisLocation("redis://mymaster/2", {
      SENTINELS: [
        ["10.0.0.1", 26379],
        ["10.0.0.2", "26380"],
      ],
      SENTINEL_KWARGS: { password: "s" },
    });
    expect(t).toMatchObject({
      sentinels: [
        { host: "10.0.0.1", port: 26379 },
        { host: "10.0.0.2", port: 26380 },
      ],
      sentinelName: "mymaster",
      sentinelPassword: "s",
      db: 2,
      label: "sentinel:mymaster/2",
    });
    expect(t.host).toBeUndefined();
  });
  it("refuses SENTINELS that are not host/port pairs", () => {
    expect(() => parseRedisLocation("redis://m/0", { SENTINELS: [] })).toThrow(/SENTINELS/);
    expect(() => parseRedisLocation("redis://m/0", { SENTINELS: [["h", 0]] })).toThrow(/SENTINELS/);
    expect(() => parseRedisLocation("redis://m/0", { SENTINELS: "h:1" })).toThrow(/SENTINELS/);
  });
});
