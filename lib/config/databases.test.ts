import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { kindOf } from "@/lib/backends/registry";
import { databaseSettings } from "@/lib/backends/database/settings";
import { connectionOf } from "./connection";
import { loadConfig } from "./load";
import { formatConfigError } from "./parse";
import { redactText } from "./secrets";

const CACHES = {
  default: { BACKEND: "django.core.cache.backends.db.DatabaseCache", LOCATION: "my_cache_table" },
  other: { BACKEND: "django.core.cache.backends.db.DatabaseCache", LOCATION: "t2", OPTIONS: { CACHESCOPE_DATABASE: "cache" } },
};
const DATABASES = {
  default: {
    ENGINE: "django.db.backends.postgresql",
    NAME: "shop",
    USER: "shop",
    PASSWORD: "Pg-Secret-Quokka-1",
    HOST: "10.0.0.5",
    PORT: "5433",
  },
  cache: { ENGINE: "django.db.backends.mysql", NAME: "cache", USER: "root", OPTIONS: { passwd: "My-Secret-Wombat-2" }, HOST: "db2" },
};
const demo = () => ({});

describe("DATABASES for DatabaseCache aliases", () => {
  it("reads CACHESCOPE_DATABASES: the database Django would use (default, or the one OPTIONS.CACHESCOPE_DATABASE names)", () => {
    const c = loadConfig({ CACHESCOPE_CACHES: JSON.stringify(CACHES), CACHESCOPE_DATABASES: JSON.stringify(DATABASES) }, demo);
    expect(c.errors).toEqual([]);
    expect(c.caches.map((x) => kindOf(x))).toEqual(["database", "database"]);
    expect(c.caches[0].note).toBeUndefined();
    expect(databaseSettings(c.caches[0])).toMatchObject({
      vendor: "postgresql",
      host: "10.0.0.5",
      port: 5433,
      database: "shop",
      password: "Pg-Secret-Quokka-1",
      table: "my_cache_table",
      server: "10.0.0.5:5433/shop",
    });
    expect(databaseSettings(c.caches[1])).toMatchObject({
      vendor: "mysql",
      host: "db2",
      password: "My-Secret-Wombat-2",
      database: "cache",
    });
    expect(c.caches[1].database?.alias).toBe("cache");
  });

  it("never shows a password: not in the alias as served, not in any message", () => {
    const c = loadConfig({ CACHESCOPE_CACHES: JSON.stringify(CACHES), CACHESCOPE_DATABASES: JSON.stringify(DATABASES) }, demo);
    const shown = JSON.stringify(c.caches);
    expect(shown).not.toContain("Pg-Secret-Quokka-1");
    expect(shown).not.toContain("My-Secret-Wombat-2");
    expect(c.caches[0].database?.shown).toMatchObject({ PASSWORD: "***", NAME: "shop" });
    expect(redactText("FATAL: password Pg-Secret-Quokka-1 rejected")).toBe("FATAL: password *** rejected");
    expect(connectionOf(c.caches[0]).database?.PASSWORD).toBe("Pg-Secret-Quokka-1");
  });

  it('reads a "DATABASES" key of the CACHESCOPE_CONFIG file; CACHESCOPE_DATABASES takes precedence', () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cachescope-dbconf-"));
    try {
      const file = path.join(dir, "caches.json");
      writeFileSync(file, JSON.stringify({ ...CACHES, DATABASES }));
      const fromFile = loadConfig({ CACHESCOPE_CONFIG: file }, demo);
      expect(fromFile.errors).toEqual([]);
      expect(fromFile.caches.map((x) => x.alias)).toEqual(["default", "other"]);
      expect(databaseSettings(fromFile.caches[0]).host).toBe("10.0.0.5");
      const env = { ...DATABASES, default: { ...DATABASES.default, HOST: "10.9.9.9" } };
      const both = loadConfig({ CACHESCOPE_CONFIG: file, CACHESCOPE_DATABASES: JSON.stringify(env) }, demo);
      expect(databaseSettings(both.caches[0]).host).toBe("10.9.9.9");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a broken DATABASES entry by name and field, and keeps the caches", () => {
    const c = loadConfig(
      {
        CACHESCOPE_CACHES: JSON.stringify(CACHES),
        CACHESCOPE_DATABASES: JSON.stringify({ default: { NAME: "x", PASSWORD: "Leaky-Secret-99" }, cache: { ENGINE: 5 } }),
      },
      demo,
    );
    expect(c.errors.map(formatConfigError)).toEqual([
      'DATABASES["default"].ENGINE: expected the database backend\'s dotted path as a string',
      'DATABASES["cache"].ENGINE: expected the database backend\'s dotted path as a string',
    ]);
    expect(c.caches).toHaveLength(2);
    expect(() => databaseSettings(c.caches[0])).toThrow(/DATABASES has no "default"/);
    const bad = loadConfig({ CACHESCOPE_CACHES: JSON.stringify(CACHES), CACHESCOPE_DATABASES: "{nope" }, demo);
    expect(bad.errors.map(formatConfigError)).toEqual([expect.stringMatching(/^DATABASES: CACHESCOPE_DATABASES is not valid JSON/)]);
  });

  it("an empty HOST is the server's default unix socket, as libpq and mysqlclient take it", () => {
    const c = loadConfig(
      {
        CACHESCOPE_CACHES: JSON.stringify(CACHES),
        CACHESCOPE_DATABASES: JSON.stringify({ default: { ENGINE: "django.db.backends.postgresql", NAME: "shop", HOST: "" } }),
      },
      demo,
    );
    expect(databaseSettings(c.caches[0])).toMatchObject({ socket: "/var/run/postgresql", server: "/var/run/postgresql/shop" });
  });
});
