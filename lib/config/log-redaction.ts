import { formatWithOptions } from "node:util";
import { redactText } from "./secrets";

const METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;
const holder = globalThis as unknown as { __cachescopeLogRedaction?: boolean };

/**
 * Every console line of the process passes through redactText: an error a driver throws with a URL in it, or one
 * Next.js logs for a failed request, is printed with no configured secret in it. Installed once, at start.
 */
export function installLogRedaction(target: Console = console): void {
  if (holder.__cachescopeLogRedaction && target === console) return;
  if (target === console) holder.__cachescopeLogRedaction = true;
  for (const method of METHODS) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => original(redactText(formatWithOptions({ colors: false, depth: 6 }, ...args)));
  }
}
