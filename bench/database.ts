/**
 * DatabaseCache on a big PostgreSQL table: Cachescope against the SQL an operator would otherwise run.
 *
 *   npm run bench -- bench/database.ts                  (BENCH_ROUNDS=5 for more rounds; default 3)
 *
 * Starts its own PostgreSQL 15 on port 5443 (BENCH_PG_PORT overrides; the DatabaseCache backend test uses it too: not
 * at the same time), has Django's createcachetable make the table, and fills it with 1,000,000 rows in SQL:
 * 1% under ":1:hot:", 5% under ":1:purge:", the rest ":1:k<n>:…"; values are base64 of 30-270 bytes. Then:
 *  - browse:   the first page (100 rows with expiry and size) of the 1% prefix through the backend's listKeys(), vs
 *              `psql -c "SELECT cache_key … LIKE ':1:hot:%' LIMIT 100"` (the psql process included, as a person runs it);
 *  - purge:    the 50k rows of the 5% prefix through the function the purge job runs (lib/invalidate/run.ts execute():
 *              keyset batches of 5000, DELETEs of 500 keys, each its own statement), vs a plain batched DELETE loop
 *              in SQL (`DELETE … WHERE cache_key IN (SELECT … LIKE … LIMIT 5000)` until nothing is left, COMMIT after
 *              each), the rows loaded again before every run; target <= 1.2x;
 *  - analysis: the full size analysis (lib/analysis/run.ts analyse()) vs `SELECT split_part(...), count(*),
 *              sum(length(value)) … GROUP BY 1` in psql.
 * Medians of interleaved rounds; the load average is printed beside them.
 */
import { execFile } from "node:child_process";
import { loadavg } from "node:os";
import { promisify } from "node:util";
import { analyse } from "../lib/analysis/run";
import { database } from "../lib/backends/database";
import { openSql } from "../lib/backends/database/driver";
import { databaseSettings } from "../lib/backends/database/settings";
import { planFor } from "../lib/invalidate/plan";
import { execute } from "../lib/invalidate/run";
import { parseInvalidateRequest } from "../lib/invalidate/target";
import { startPostgres } from "../test/databases";
import { databaseCacheConfig, django } from "../test/django-database/django";

const PORT = Number(process.env.BENCH_PG_PORT ?? 5443);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TABLE = "bench_cache";
const TOTAL = 1_000_000;
const run = promisify(execFile);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(1)} ms`;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const pg = await startPostgres(PORT);
  const psql = (sql: string) =>
    run("psql", ["-h", "127.0.0.1", "-p", String(PORT), "-U", "postgres", "-d", "cachetest", "-qAt", "-c", sql]);
  try {
    django("createtable", pg.entry, TABLE);
    const value = (i: string) => `rpad('gASV', 40 + 4 * ((${i}) % 60), 'QUFB')`;
    const key = (i: string) =>
      `CASE WHEN ${i} % 100 = 0 THEN ':1:hot:' || ${i} WHEN ${i} % 20 = 1 THEN ':1:purge:' || ${i} ELSE ':1:k' || (${i} % 97) || ':' || ${i} END`;
    const fill = await timed(() =>
      psql(
        `INSERT INTO ${TABLE} (cache_key, value, expires) SELECT ${key("i")}, ${value("i")}, now() + interval '1 day' ` +
          `FROM generate_series(1, ${TOTAL}) AS i`,
      ).then(() => psql(`VACUUM ANALYZE ${TABLE}`)),
    );
    console.log(`filled ${TOTAL.toLocaleString("en-US")} rows in ${(fill / 1000).toFixed(1)} s; load ${load()}`);
    const refillPurge = () =>
      psql(
        `INSERT INTO ${TABLE} (cache_key, value, expires) SELECT ':1:purge:' || i, ${value("i")}, now() + interval '1 day' ` +
          `FROM generate_series(1, ${TOTAL}) AS i WHERE i % 20 = 1 ON CONFLICT DO NOTHING`,
      );
    const count = async (like: string) =>
      Number((await psql(`SELECT count(*) FROM ${TABLE} WHERE cache_key LIKE '${like}'`)).stdout.trim());

    const cfg = databaseCacheConfig(pg.entry, TABLE);
    const backend = database.create(cfg);
    const times: Record<string, number[]> = { browse: [], browseSql: [], purge: [], purgeSql: [], analysis: [], analysisSql: [] };

    await backend.listKeys({ prefix: ":1:hot:", cursor: null, count: 100, withMeta: true });
    for (let r = 0; r < ROUNDS; r++) {
      times.browse.push(
        await timed(async () => {
          const page = await backend.listKeys({ prefix: ":1:hot:", cursor: null, count: 100, withMeta: true });
          if (page.keys.length !== 100) throw new Error(`browse: ${page.keys.length} rows`);
        }),
      );
      times.browseSql.push(
        await timed(() => psql(`SELECT cache_key, expires, length(value) FROM ${TABLE} WHERE cache_key LIKE ':1:hot:%' LIMIT 100`)),
      );
    }

    const purgeTarget = TOTAL / 20;
    for (let r = 0; r < ROUNDS; r++) {
      const plan = planFor({ config: cfg, capabilities: backend.capabilities }, parseInvalidateRequest({ target: { prefix: "purge:" } }));
      let deleted = 0;
      times.purge.push(await timed(async () => (deleted = (await execute(backend, plan)).deleted)));
      if (deleted !== purgeTarget || (await count(":1:purge:%")) !== 0) throw new Error(`purge: deleted ${deleted}`);
      await refillPurge();
      times.purgeSql.push(
        await timed(() =>
          psql(
            `DO $$ DECLARE n int; BEGIN LOOP DELETE FROM ${TABLE} WHERE cache_key IN ` +
              `(SELECT cache_key FROM ${TABLE} WHERE cache_key LIKE ':1:purge:%' LIMIT 5000); ` +
              `GET DIAGNOSTICS n = ROW_COUNT; EXIT WHEN n = 0; COMMIT; END LOOP; END $$`,
          ),
        ),
      );
      if ((await count(":1:purge:%")) !== 0) throw new Error("plain purge left rows");
      await refillPurge();
    }

    const sql = openSql(databaseSettings(cfg));
    const [truth] = await sql.rows<{ n: string; b: string }>(`SELECT count(*) AS n, sum(length(value)) AS b FROM ${TABLE}`);
    await sql.close();
    for (let r = 0; r < ROUNDS; r++) {
      let result: Awaited<ReturnType<typeof analyse>> | null = null;
      times.analysis.push(await timed(async () => (result = await analyse(backend, cfg))));
      const got = result as unknown as { keys: number; bytes: number };
      if (got.keys !== Number(truth.n) || got.bytes !== Number(truth.b)) throw new Error(`analysis: ${got.keys} keys, ${got.bytes} bytes`);
      times.analysisSql.push(
        await timed(() => psql(`SELECT split_part(cache_key, ':', 3), count(*), sum(length(value)) FROM ${TABLE} GROUP BY 1`)),
      );
    }
    await backend.close();

    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    console.log(`\n${TOTAL.toLocaleString("en-US")} rows, PostgreSQL 15, median of ${ROUNDS} rounds; load average now ${load()}`);
    console.log(
      `first page of a 1% prefix (100 rows):  Cachescope ${ms(m.browse)}  psql -c SELECT … LIKE … LIMIT 100 ${ms(m.browseSql)}  ratio ${(m.browse / m.browseSql).toFixed(2)}x`,
    );
    console.log(
      `purge of 5% (${purgeTarget.toLocaleString("en-US")} rows):     Cachescope ${ms(m.purge)}  batched DELETE loop in SQL ${ms(m.purgeSql)}  ratio ${(m.purge / m.purgeSql).toFixed(2)}x (target <= 1.2x)`,
    );
    console.log(
      `size analysis of every row:            Cachescope ${ms(m.analysis)}  SELECT sum(length(value)) GROUP BY ${ms(m.analysisSql)}  ratio ${(m.analysis / m.analysisSql).toFixed(2)}x`,
    );
    console.log(`(rounds: ${JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((x) => Math.round(x))])))})`);
  } finally {
    await pg.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
