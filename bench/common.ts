import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

/** Helpers shared by the at-scale benches (redis-10m.ts, memcached-5m.ts, load.ts). */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function loadLine(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} on ${cpus().length} cores`;
}

/**
 * Peak resident memory of this process during fn, in MiB. Linux keeps the peak (VmHWM) and resets it when "5" is
 * written to /proc/self/clear_refs, so the figure is the true peak of this step, not a sampled guess.
 */
export async function peakRss<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakMiB: number }> {
  writeFileSync("/proc/self/clear_refs", "5");
  const t = performance.now();
  const value = await fn();
  const ms = performance.now() - t;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return { value, ms, peakMiB: hwm ? Number(hwm[1]) / 1024 : NaN };
}

/**
 * Generates Django-style SETs as RESP in a child node process piped into `redis-cli --pipe` (the fastest bulk path),
 * so this process's memory is not inflated by the load. Keys `${prefix}${i % namespaces}.item${i}` for i in
 * [from, to) (namespaces 0: `${prefix}item${i}`), 40-byte values, every 5th with a one-day TTL.
 */
export function loadRedis(port: number, prefix: string, from: number, to: number, namespaces: number): Promise<void> {
  const gen = `
const [prefix, from, to, ns] = [${JSON.stringify(prefix)}, ${from}, ${to}, ${namespaces}];
const pad = "x".repeat(32);
let out = "";
function flush(cb) { const ok = process.stdout.write(out); out = ""; if (!ok) process.stdout.once("drain", cb); else setImmediate(cb); }
let i = from;
function step() {
  const end = Math.min(to, i + 20000);
  for (; i < end; i++) {
    const k = ns > 0 ? prefix + (i % ns) + ".item" + i : prefix + "item" + i;
    const v = "v" + i + pad;
    out += i % 5 === 0
      ? "*5\\r\\n$3\\r\\nSET\\r\\n$" + k.length + "\\r\\n" + k + "\\r\\n$" + v.length + "\\r\\n" + v + "\\r\\n$2\\r\\nEX\\r\\n$5\\r\\n86400\\r\\n"
      : "*3\\r\\n$3\\r\\nSET\\r\\n$" + k.length + "\\r\\n" + k + "\\r\\n$" + v.length + "\\r\\n" + v + "\\r\\n";
  }
  if (i < to) flush(step); else process.stdout.write(out);
}
step();`;
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", `node -e '${gen.replace(/'/g, "'\\''")}' | redis-cli -p ${port} --pipe`], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const m = /errors: (\d+), replies: (\d+)/.exec(out);
      if (code !== 0 || !m || m[1] !== "0") reject(new Error(`load failed (exit ${code}): ${out.slice(-300)}`));
      else resolve();
    });
  });
}

/** `redis-cli --scan --pattern P`, resolving once `lines` names were printed (null: all); the names seen. */
export function redisCliScan(port: number, pattern: string, lines: number | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-cli", ["-p", String(port), "--scan", "--pattern", pattern], { stdio: ["ignore", "pipe", "inherit"] });
    let seen = 0;
    let done = false;
    child.stdout.on("data", (buf: Buffer) => {
      for (const byte of buf) if (byte === 10) seen++;
      if (!done && lines !== null && seen >= lines) {
        done = true;
        child.kill("SIGTERM");
        resolve(lines);
      }
    });
    child.on("error", reject);
    child.on("exit", () => {
      if (!done) resolve(seen);
    });
  });
}

/** Runs the contenders round-robin, `rounds` times; each one's median (interleaving makes all meet the same drift). */
export async function interleaved(rounds: number, contenders: Record<string, () => Promise<unknown>>): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const t = performance.now();
      await fn();
      times[name].push(performance.now() - t);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
}

/** A machine-readable result line: bench/all.ts collects these to print the README's table. */
export function result(row: { work: string; ours: number; theirs: number; unit: string; target?: string; note?: string }): void {
  console.log(`RESULT ${JSON.stringify({ ...row, ratio: row.ours / row.theirs })}`);
}
