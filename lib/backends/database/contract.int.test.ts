import { afterAll, beforeAll } from "vitest";
import { startMariadb, startPostgres, type DatabaseServer } from "@/test/databases";
import { databaseCacheConfig, django } from "@/test/django-database/django";
import { testBackend } from "../contract";
import { database } from ".";

/**
 * DatabaseCache against the contract on real PostgreSQL 15 and MariaDB (ports 5441 and 3341; 5442 and 3342: nothing
 * listens), the tables made and the rows written by a real Django 3.2 (createcachetable, cache.set).
 */
const servers: { pg?: DatabaseServer; my?: DatabaseServer } = {};

beforeAll(async () => {
  [servers.pg, servers.my] = await Promise.all([startPostgres(5441), startMariadb(3341)]);
  for (const s of [servers.pg, servers.my]) django("createtable", s.entry, "contract_cache");
}, 120_000);

afterAll(async () => {
  await Promise.all([servers.pg?.stop(), servers.my?.stop()]);
});

for (const [name, key, closedPort] of [
  ["DatabaseCache on PostgreSQL", "pg", 5442],
  ["DatabaseCache on MariaDB", "my", 3342],
] as const) {
  const server = () => servers[key] as DatabaseServer;
  testBackend({
    name,
    create: () => database.create(databaseCacheConfig(server().entry, "contract_cache")),
    closed: () => database.create(databaseCacheConfig({ ...server().entry, PORT: String(closedPort) }, "contract_cache")),
    seed: async (keys) => {
      django("seed", server().entry, "contract_cache", { keys });
    },
    capabilities: { listKeys: true, stats: false },
  });
}
