import type { DecodedEntry, DecodeHint, DecodeLimits } from "../types";

/** Messages between the decode pool and its workers. */

export interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
  hint: DecodeHint;
  limits?: Partial<DecodeLimits>;
}

export type DecodeReply = { id: number; entry: DecodedEntry } | { id: number; failure: string };
