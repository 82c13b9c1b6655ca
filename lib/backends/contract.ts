import { describe, expect, it } from "vitest";
import { BackendError } from "./errors";
import type { CacheBackend, KeyRow } from "./types";

/**
 * The contract every backend and topology runs on real servers (after unjs/unstorage's testDriver): what the pages
 * and jobs rely on, whatever the backend. `seed` writes the given raw keys (values any bytes) and returns them as
 * the backend will list them; `closed` builds the same backend against a port nothing listens on.
 */
export interface ContractOptions {
  name: string;
  create(): CacheBackend;
  closed?: () => CacheBackend;
  seed?(keys: string[]): Promise<void>;
  capabilities: { listKeys: boolean; stats: boolean };
}

const PREFIX = "contract:";
/** Glob characters in a prefix match literally, never as a pattern. */
const GLOB_KEYS = ["contract:g*x", "contract:g?x", "contract:g[x]", "contract:g\\x"];
const PLAIN = Array.from({ length: 25 }, (_, i) => `contract:k${String(i).padStart(2, "0")}`);

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
          await seed([...PLAIN, ...GLOB_KEYS]);
          const all = (await listAll(backend, PREFIX, 7)).map((r) => r.raw).sort();
          expect(all).toEqual([...PLAIN, ...GLOB_KEYS].sort());
          for (const key of GLOB_KEYS) {
            expect((await listAll(backend, key, 50)).map((r) => r.raw), key).toEqual([key]);
          }
          const iterated: string[] = [];
          for await (const batch of backend.iterate({ prefix: PREFIX, batch: 10, withSizes: true })) {
            iterated.push(...batch.map((r) => r.raw ?? ""));
          }
          expect(iterated.sort()).toEqual(all);
          expect(await backend.readEntry({ raw: PLAIN[0] }, 1024)).toMatchObject({ raw: PLAIN[0] });
          expect(await backend.readEntry({ raw: `${PREFIX}absent` }, 1024)).toBeNull();
          expect(await backend.deleteEntries([{ raw: PLAIN[0] }])).toBe(1);
          expect(await backend.readEntry({ raw: PLAIN[0] }, 1024)).toBeNull();
          const listed = await listAll(backend, PREFIX, 100);
          expect(await backend.deleteListed(listed)).toBe(listed.length);
          expect(await listAll(backend, PREFIX, 100)).toEqual([]);
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
