import { writeFile } from "node:fs/promises";
import { bundleWorker, WORKER_BUNDLE } from "../lib/codecs/pool/build-worker.mjs";

/** vitest global setup: the decode pool starts lib/codecs/pool/decode-worker.cjs, generated from the current sources. */
export default async function setup(): Promise<void> {
  await writeFile(WORKER_BUNDLE, await bundleWorker());
}
