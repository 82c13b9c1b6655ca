import { parentPort } from "node:worker_threads";
import { decodeEntry } from "../decode";
import type { DecodeRequest, DecodeReply } from "./protocol";

/** A decode worker: decodes what the pool sends, one request at a time, and answers with the entry. */

const port = parentPort;
if (port === null) throw new Error("the decode worker runs as a worker thread only");

port.on("message", (req: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    reply = { id: req.id, entry: decodeEntry(req.bytes, req.hint, req.limits) };
  } catch (e) {
    // decodeEntry is total; anything thrown here is a bug, answered rather than left to hang the caller.
    reply = { id: req.id, failure: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
