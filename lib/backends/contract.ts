import { describe, expect, it } from "vitest";
import { BackendError } from "./errors";
import type { CacheBackend, EntryRef, KeyRow } from "./types";

/**
 * The contract every backend and topology runs on real servers (after unjs/unstorage's testDriver): what the pages
 * and jobs rely on, whatever the backend. `closed` builds the same backend against a port nothing listens on.
 */
export interface ContractOptions {
  name: string;
  create(): CacheBackend;
  closed?: () => CacheBackend;
  /**
   * Writes the given raw keys (any value) and returns them as the backend lists them: `row.raw`, or `row.file` where
   * rows carry no key names (FileBasedCache); nothing means as given.
   */
  seed?(keys: string[]): Promise<string[] | void>;
  capabilities: { listKeys: boolean; stats: boolean };
}

const PREFIX = "contract:";
/** Glob characters in a prefix match literally, never as a pattern. */
const GLOB_KEYS = ["contract:g*x", "contract:g?x", "contract:g[x]", "contract:g\\x"];
const PLAIN = Array.from({ length: 25 }, (_, i) => `contract:k${String(i).padStart(2, "0")}`);

/** How a listed row is named in the seed's answer, and how it is addressed again. */
const idOf = (row: { raw: string | null; file?: string }) => row.raw ?? row.file ?? "";
const refOf = (row: KeyRow): EntryRef => (row.raw !== null ? { raw: row.raw } : { file: row.file ?? "" });

async function listAll(backend: CacheBackend, prefix: string, count: number): Promise<KeyRow[]> {
  const rows: KeyRow[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await backend.listKeys({ prefix, cursor, count, withMeta: true });
    rows.push(...page.keys);
    cursor = page.cursor;
    if (cursor === null) return rows;
  }
  throw new Error("listing never ended");
}

export function testBackend(opts: ContractOptions): void {
  describe(`backend contract: ${opts.name}`, () => {
    it("answers its status", async () => {
      const backend = opts.create();
      try {
        expect((await backend.status()).ok).toBe(true);
      } finally {
        await backend.close();
      }
    });

    if (opts.capabilities.listKeys && opts.seed) {
      const seed = opts.seed;
      it("lists, pages, filters literally, iterates, reads and deletes", async () => {
        const backend = opts.create();
        try {
          const keys = [...PLAIN, ...GLOB_KEYS];
          const expected = (await seed(keys)) ?? keys;
          // Where rows carry no key names, a prefix cannot be matched: the whole listing is the seed's.
          const named = backend.capabilities.keyNames !== false;
          const prefix = named ? PREFIX : "";
          const rows = await listAll(backend, prefix, 7);
          expect(rows.map(idOf).sort()).toEqual([...expected].sort());
          if (named) {
            for (const key of GLOB_KEYS) expect((await listAll(backend, key, 50)).map(idOf), key).toEqual([key]);
          } else {
            await expect(backend.listKeys({ prefix: PREFIX, cursor: null, count: 10, withMeta: false })).rejects.toMatchObject({
              code: "prefix_unsupported",
            });
          }
          const iterated: string[] = [];
          for await (const batch of backend.iterate({ prefix, batch: 10, withSizes: true })) iterated.push(...batch.map(idOf));
          expect(iterated.sort()).toEqual(rows.map(idOf).sort());
          const [first, ...rest] = rows;
          expect(idOf((await backend.readEntry(refOf(first), 1024)) ?? { raw: null })).toBe(idOf(first));
          expect(await backend.readEntry({ raw: `${PREFIX}absent` }, 1024)).toBeNull();
          expect(await backend.deleteEntries([refOf(first)])).toBe(1);
          expect(await backend.readEntry(refOf(first), 1024)).toBeNull();
          expect(await backend.deleteListed(rest)).toBe(rest.length);
          expect(await listAll(backend, prefix, 100)).toEqual([]);
        } finally {
          await backend.close();
        }
      });

      it("refuses a cursor it did not make, as invalid_cursor", async () => {
        const backend = opts.create();
        try {
          for (const cursor of ["garbage", "9:0", "WzEsIngiLDAsMF0"]) {
            await expect(backend.listKeys({ prefix: "", cursor, count: 10, withMeta: false }), cursor).rejects.toMatchObject({
              code: "invalid_cursor",
            });
          }
        } finally {
          await backend.close();
        }
      });
    } else {
      it("refuses to list with listing_unavailable, or lists nothing", async () => {
        const backend = opts.create();
        try {
          expect(backend.capabilities.listKeys).toBe(false);
          const page = await backend.listKeys({ prefix: "", cursor: null, count: 10, withMeta: false }).catch((e: unknown) => e);
          if (page instanceof Error) expect(page).toMatchObject({ code: "listing_unavailable" });
          else expect(page).toMatchObject({ keys: [] });
        } finally {
          await backend.close();
        }
      });
      if (opts.seed) {
        const seed = opts.seed;
        it("reads and deletes exact keys it cannot list", async () => {
          const backend = opts.create();
          try {
            await seed(PLAIN);
            expect(await backend.readEntry({ raw: PLAIN[0] }, 1024)).toMatchObject({ raw: PLAIN[0] });
            expect(await backend.readEntry({ raw: `${PREFIX}absent` }, 1024)).toBeNull();
            expect(await backend.deleteEntries(PLAIN.map((raw) => ({ raw })))).toBe(PLAIN.length);
            expect(await backend.readEntry({ raw: PLAIN[0] }, 1024)).toBeNull();
          } finally {
            await backend.close();
          }
        });
      }
    }

    it(`says whether it keeps counters (${opts.capabilities.stats ? "it does" : "it does not"})`, async () => {
      const backend = opts.create();
      try {
        const snap = await backend.stats();
        expect(snap.supported).toBe(opts.capabilities.stats);
        if (snap.supported) expect(snap.servers.every((s) => s.ok)).toBe(true);
      } finally {
        await backend.close();
      }
    });

    if (opts.closed) {
      const closed = opts.closed;
      it("on a port nothing listens on: a clear BackendError and a status that says so, not a hang", async () => {
        const backend = closed();
        try {
          const status = await backend.status();
          expect(status.ok).toBe(false);
          expect(status.error).toBeTruthy();
          const err = await backend.readEntry({ raw: "x" }, 10).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(BackendError);
          expect((err as BackendError).code).toBe("unreachable");
        } finally {
          await backend.close();
        }
      }, 15_000);
    }
  });
}
