import { describe, expect, it } from "vitest";
import { createDummyBackend } from "./backend";
import { descriptorOf, kindOf } from "../registry";
import type { CacheConfig } from "@/lib/config/types";

const config: CacheConfig = {
  alias: "dummy",
  backendPath: "django.core.cache.backends.dummy.DummyCache",
  locations: [],
  keyPrefix: "",
  version: 1,
  options: {},
  timeout: 300,
};

describe("DummyCache backend", () => {
  // Status and the empty listing are the contract's (contract.test.ts).
  it("can do nothing and says why it has no counters", async () => {
    const backend = createDummyBackend(config);
    expect(Object.values(backend.capabilities).every((c) => c === false)).toBe(true);
    expect(await backend.readEntry({ raw: ":1:anything" }, 100)).toBeNull();
    expect(await backend.deleteEntries([{ raw: ":1:anything" }])).toBe(0);
    const batches = [];
    for await (const batch of backend.iterate({ prefix: "", batch: 10, withSizes: true })) batches.push(batch);
    expect(batches).toEqual([]);
    const stats = await backend.stats();
    expect(stats).toMatchObject({ supported: false, reason: "DummyCache stores nothing: every get is a miss" });
  });

  it("is what the registry finds for its path, with the note every alias of it carries", () => {
    expect(kindOf(config)).toBe("dummy");
    expect(descriptorOf(config)?.note).toMatch(/stores nothing/);
    expect(kindOf({ backendPath: "django.core.cache.backends.filebased.FileBasedCache" })).toBe("filebased");
    expect(kindOf({ backendPath: "django.core.cache.backends.locmem.LocMemCache" })).toBe("unsupported");
  });
});
