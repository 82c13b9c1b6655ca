import { defineBackend } from "../descriptor";
import { createDatabaseBackend } from "./backend";

/** Django's DatabaseCache: one table (LOCATION) in a database of DATABASES, read with pg or mysql2. */
export const database = defineBackend({
  kind: "database",
  paths: ["django.core.cache.backends.db.DatabaseCache"],
  // LOCATION is the table name, taken whole.
  location: { split: false, required: true },
  usesDatabase: true,
  noCounters: "DatabaseCache's table holds only cache rows, not the companion's counters",
  decodeHint: () => ({ source: "database" }),
  serverWideCounters: false,
  statsScope: () => "DatabaseCache keeps no counters: the Django companion supplies its hit ratios.",
  create: createDatabaseBackend,
});
