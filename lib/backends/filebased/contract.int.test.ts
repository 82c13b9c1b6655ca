import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { django, fileCacheConfig } from "@/test/django-filebased/django";
import { testBackend } from "../contract";
import { filebased } from ".";

/** FileBasedCache against the contract, on files a real Django 3.2 wrote (rows are md5 file names: no prefix). */
const root = mkdtempSync(path.join(os.tmpdir(), "cachescope-fb-contract-"));
const dir = path.join(root, "cache");
mkdirSync(dir);
afterAll(() => rmSync(root, { recursive: true, force: true }));

testBackend({
  name: "FileBasedCache",
  create: () => filebased.create(fileCacheConfig(dir)),
  // Django stores each under the md5 of its raw key (":1:<key>"): those file names are what is listed.
  seed: async (keys) => django<{ files: string[] }>("seed", dir, { keys }).files,
  capabilities: { listKeys: true, stats: false },
});
