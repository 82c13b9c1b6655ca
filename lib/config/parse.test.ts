import { describe, expect, it } from "vitest";
import { kindOf } from "@/lib/backends/registry";
import { formatConfigError, parseCaches } from "./parse";
import { loadConfig } from "./load";

describe("parseCaches", () => {
  it("reads a django-redis alias with defaults", () => {
    const { caches, errors } = parseCaches({
      default: { BACKEND: "django_redis.cache.RedisCache", LOCATION: "redis://127.0.0.1:6379/1" },
    });
    expect(errors).toEqual([]);
    expect(caches[0]).toMatchObject({ alias: "default", keyPrefix: "", version: 1, timeout: 300 });
    expect(kindOf(caches[0])).toBe("redis");
    expect(caches[0].locations).toEqual(["redis://127.0.0.1:6379/1"]);
  });

  it("splits memcached and redis LOCATION strings on ; and , like Django", () => {
    const { caches } = parseCaches({
      mc: { BACKEND: "django.core.cache.backends.memcached.PyMemcacheCache", LOCATION: "10.0.0.1:11211;10.0.0.2:11211, 10.0.0.3:11211" },
      fb: { BACKEND: "django.core.cache.backends.filebased.FileBasedCache", LOCATION: "/var/tmp/a,b" },
    });
    expect(caches[0].locations).toEqual(["10.0.0.1:11211", "10.0.0.2:11211", "10.0.0.3:11211"]);
    expect(caches[1].locations).toEqual(["/var/tmp/a,b"]);
  });

  it("names the alias, the field and what was expected", () => {
    const { caches, errors } = parseCaches({
      good: { BACKEND: "django.core.cache.backends.dummy.DummyCache" },
      bad: { BACKEND: "django_redis.cache.RedisCache", LOCATION: "redis://x", VERSION: "2" },
      noloc: { BACKEND: "django.core.cache.backends.redis.RedisCache" },
    });
    expect(caches.map((c) => c.alias)).toEqual(["good"]);
    expect(errors.map(formatConfigError)).toEqual([
      'CACHES["bad"].VERSION: expected an integer',
      'CACHES["noloc"].LOCATION: django.core.cache.backends.redis.RedisCache needs a LOCATION',
    ]);
  });

  it("keeps LocMemCache and unknown backends as unsupported, with the reason", () => {
    const { caches, errors } = parseCaches({
      loc: { BACKEND: "django.core.cache.backends.locmem.LocMemCache" },
      odd: { BACKEND: "myapp.cache.Special" },
    });
    expect(errors).toEqual([]);
    expect(caches.map(kindOf)).toEqual(["unsupported", "unsupported"]);
    expect(caches[0].note).toMatch(/inside each Django process/);
    expect(caches[1].note).toMatch(/Unknown backend "myapp.cache.Special"/);
  });

  it("refuses a non-object document", () => {
    expect(parseCaches([1]).errors[0].message).toMatch(/expected an object/);
  });
});

describe("loadConfig", () => {
  const demo = () => ({ d: { BACKEND: "django.core.cache.backends.dummy.DummyCache" } });
  it("falls back to the demo when nothing is configured", () => {
    const c = loadConfig({}, demo);
    expect(c.demo).toBe(true);
    expect(c.caches[0].alias).toBe("d");
  });
  it("reports invalid JSON in CACHESCOPE_CACHES", () => {
    const c = loadConfig({ CACHESCOPE_CACHES: "{nope" }, demo);
    expect(c.demo).toBe(false);
    expect(c.errors[0].message).toMatch(/CACHESCOPE_CACHES is not valid JSON/);
  });
  it("reports a config file that cannot be read", () => {
    const c = loadConfig({ CACHESCOPE_CONFIG: "/nonexistent/caches.json" }, demo);
    expect(c.errors[0].message).toMatch(/cannot read CACHESCOPE_CONFIG file \/nonexistent\/caches.json: ENOENT/);
  });
});
