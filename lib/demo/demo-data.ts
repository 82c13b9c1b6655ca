import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import fixture from "./demo-entries.json";
import { largeValuePart, type LargeEntrySpec } from "./large";

interface DemoEntry {
  /** The final stored key (KEY_PREFIX:VERSION:key). */
  key: string;
  file: string;
  /** Seconds from now; null = never; negative = expired that long ago. */
  ttl: number | null;
  /** base64 of the file after the expiry pickle: zlib(pickle(value)) exactly as Django wrote it. */
  value: string;
}

interface DemoFixture {
  entries: DemoEntry[];
  large: LargeEntrySpec;
}

const demo = fixture as DemoFixture;

/** pickle.dumps(expiry, 5) as FileBasedCache writes it: FRAME + BINFLOAT (big-endian double) + STOP, or None. */
export function expiryPickle(expiry: number | null): Uint8Array {
  if (expiry === null) return Uint8Array.of(0x80, 0x05, 0x4e, 0x2e);
  const out = new Uint8Array(21);
  out.set([0x80, 0x05, 0x95, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0x47]);
  new DataView(out.buffer).setFloat64(12, expiry, false);
  out[20] = 0x2e;
  return out;
}

/** How many entries the demo holds (the fixture's plus the large one). */
export const DEMO_ENTRY_COUNT = demo.entries.length + 1;

/**
 * Fills `dir` with the demo's FileBasedCache entries when it holds none yet (first start), each with a fresh expiry
 * header, so the demo needs no Python. Returns how many files were written (0 when the directory already had entries).
 */
export async function ensureDemoData(dir: string): Promise<{ written: number }> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const existing = await fsp.readdir(dir);
  if (existing.some((name) => name.endsWith(".djcache"))) return { written: 0 };
  const now = Date.now() / 1000;
  const files: { file: string; ttl: number | null; value: Uint8Array }[] = demo.entries.map((e) => ({
    file: e.file,
    ttl: e.ttl,
    value: Buffer.from(e.value, "base64"),
  }));
  files.push({ file: demo.large.file, ttl: demo.large.ttl, value: largeValuePart(demo.large) });
  for (const f of files) {
    const expiry = expiryPickle(f.ttl === null ? null : now + f.ttl);
    await writeAtomically(dir, `${f.file}.djcache`, Buffer.concat([expiry, f.value]));
  }
  return { written: files.length };
}

/** As Django does: a temp file in the same directory, then a rename, so no reader sees half a file. */
async function writeAtomically(dir: string, name: string, content: Uint8Array): Promise<void> {
  const temp = path.join(dir, `tmp${randomBytes(6).toString("base64url").toLowerCase().replace(/-/g, "_").slice(0, 8)}`);
  try {
    await fsp.writeFile(temp, content, { mode: 0o600, flag: "wx" });
    await fsp.rename(temp, path.join(dir, name));
  } catch (err) {
    await fsp.rm(temp, { force: true });
    throw err;
  }
}
