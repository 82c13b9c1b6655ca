/**
 * Runs every performance bench, one after the other, and prints the README's performance table from their results.
 *
 *   npm run bench:all                          (everything, the 10M and 5M runs included: about half an hour)
 *   npm run bench:all -- --skip redis-10m,memcached-5m
 *   npm run bench:all -- --only redis-browse
 *   npm run bench:all -- --table               (no run: the table from the last saved outputs)
 *
 * Each bench runs as its own process on its own ports (redis 6491, 6494-6495, memcached 11493-11495) and its whole
 * output is kept in .run/bench/<name>.txt, with the date and load average of its run; the table is made from the
 * RESULT lines those outputs hold (bench/common.ts result()), so every ratio comes from one run of one script, both
 * sides measured back to back on the same data.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";

interface Bench {
  name: string;
  args: string[];
  env: Record<string, string>;
}

const BENCHES: Bench[] = [
  { name: "redis-browse", args: [], env: { BENCH_REDIS_PORT: "6494" } },
  { name: "memcached-analysis", args: [], env: { BENCH_MEMCACHED_PORT: "11493" } },
  { name: "filebased-list", args: [], env: {} },
  { name: "redis-purge", args: [], env: { BENCH_REDIS_PORT: "6494" } },
  { name: "redis-analysis", args: [], env: { BENCH_REDIS_PORT: "6494", BENCH_SKIP_10M: "1" } },
  { name: "memcached-list", args: [], env: { BENCH_MEMCACHED_PORT: "11494" } },
  { name: "load", args: [], env: { BENCH_REDIS_PORT: "6495" } },
  { name: "redis-10m", args: [], env: { BENCH_REDIS_PORT: "6491" } },
  { name: "memcached-5m", args: [], env: { BENCH_MEMCACHED_PORT: "11495" } },
];

const OUT = path.join(process.cwd(), ".run", "bench");

interface Result {
  work: string;
  ours: number;
  theirs: number;
  ratio: number;
  unit: string;
  target?: string;
  note?: string;
}

function loadText(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

function runBench(b: Bench): Promise<number> {
  return new Promise((resolve) => {
    const started = new Date().toISOString();
    const header = `# ${b.name}: started ${started}, load average ${loadText()} on ${cpus().length} cores\n`;
    let text = header;
    process.stdout.write(`\n== ${b.name} (${started}, load ${loadText()})\n`);
    const child = spawn("node", ["node_modules/jiti/lib/jiti-cli.mjs", `bench/${b.name}.ts`, ...b.args], {
      env: { ...process.env, JITI_TSCONFIG_PATHS: "true", ...b.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const take = (chunk: Buffer) => {
      text += chunk.toString();
      process.stdout.write(chunk);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("exit", (code) => {
      text += `# ended ${new Date().toISOString()}, exit ${code}, load average ${loadText()}\n`;
      writeFileSync(path.join(OUT, `${b.name}.txt`), text);
      resolve(code ?? 1);
    });
  });
}

function results(name: string): { when: string; load: string; rows: Result[] } | null {
  const file = path.join(OUT, `${name}.txt`);
  if (!existsSync(file)) return null;
  const text = readFileSync(file, "utf8");
  const head = /started (\S+), load average ([\d. ]+) on/.exec(text);
  const end = /# ended \S+, exit (\d+), load average ([\d. ]+)/.exec(text);
  const rows = text
    .split("\n")
    .filter((l) => l.startsWith("RESULT "))
    .map((l) => JSON.parse(l.slice(7)) as Result);
  return { when: head?.[1] ?? "?", load: `${head?.[2].trim() ?? "?"} → ${end?.[2].trim() ?? "?"}`, rows };
}

function meets(r: Result): string {
  const m = /([\d.]+)\s*(×|ms|MiB)/.exec(r.target ?? "");
  if (!m) return "";
  const bound = Number(m[1]);
  const value = m[2] === "×" ? r.ratio : r.ours;
  return value <= bound ? "yes" : "**no**";
}

function fmt(n: number, unit: string): string {
  if (unit === "ms") return n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${n >= 100 ? n.toFixed(0) : n.toFixed(1)} ms`;
  return `${n.toFixed(0)} ${unit}`;
}

function table(names: string[]): string {
  const lines = [
    `Measured by \`npm run bench:all\` on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}), node ${process.version}.`,
    "Each row is one run of one script; the ratio compares both sides measured back to back on the same data.",
    "",
    "| work | Cachescope | the other tool | ratio | target | met | run (UTC), load average start → end |",
    "|---|---:|---:|---:|---:|:-:|---|",
  ];
  for (const name of names) {
    const r = results(name);
    if (!r) {
      lines.push(`| ${name}: not run | | | | | | |`);
      continue;
    }
    if (r.rows.length === 0)
      lines.push(`| ${name}: no result (see .run/bench/${name}.txt) | | | | | | ${r.when.slice(0, 16)}, ${r.load} |`);
    for (const row of r.rows) {
      // A row whose target is a bound (300 ms, 400 MiB) has no other tool: its "theirs" is that bound.
      const compared = row.unit === "ms" && !/\d\s*(ms|MiB)/.test(row.target ?? "");
      const versus = compared ? fmt(row.theirs, row.unit) : "";
      const ratio = compared ? `${row.ratio.toFixed(2)}×` : "";
      const note = row.note ? ` (${row.note})` : "";
      lines.push(
        `| ${row.work}${note} | ${fmt(row.ours, row.unit)} | ${versus} | ${ratio} | ${row.target ?? ""} | ${meets(row)} | ${r.when.slice(0, 16).replace("T", " ")}, ${r.load} |`,
      );
    }
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const argv = process.argv.slice(2);
  const listArg = (flag: string) => {
    const i = argv.indexOf(flag);
    return i === -1 ? null : (argv[i + 1] ?? "").split(",").filter(Boolean);
  };
  const only = listArg("--only");
  const skip = listArg("--skip") ?? [];
  const names = BENCHES.map((b) => b.name);
  if (!argv.includes("--table")) {
    for (const b of BENCHES) {
      if ((only && !only.includes(b.name)) || skip.includes(b.name)) continue;
      const code = await runBench(b);
      if (code !== 0) process.exitCode = 1;
    }
  }
  console.log(`\n${table(names)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
