import { analyse } from "@/lib/analysis/run";
import { memcached as d } from "@/lib/backends/memcached";
import { connect, fill, rawDump, timed } from "./memcached-raw";
const PORT = 11492;
function keyOf(i: number): string {
  if (i % 10 === 0) return `:1:template.cache.sidebar.${(i * 2654435761).toString(16).padStart(32, "0").slice(-32)}`;
  if (i % 10 < 4) return `:1:user.profile:${i}`;
  return `:1:app.item:${i}`;
}
async function main() {
  const cfg = {
    alias: "b",
    backendPath: "django.core.cache.backends.memcached.PyMemcacheCache",
    locations: [`127.0.0.1:${PORT}`],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  } as any;
  const be = d.create(cfg);
  if (process.argv[2] === "fill") {
    const s = await connect(PORT);
    await fill(s, 1_000_000, (i) => ({ key: keyOf(i), value: `value-${i}-${"x".repeat((i * 7) % 400)}`, flags: 1 }));
    s.destroy();
  }
  for (let r = 0; r < Number(process.argv[3] ?? 3); r++) {
    const raw = await timed(() => rawDump(PORT, "hash"));
    const a = await timed(() => analyse(be, cfg));
    let n = 0;
    const l = await timed(async () => {
      for await (const b of be.iterate({ prefix: "", batch: 1000, withSizes: true })) n += b.length;
    });
    console.log(
      `raw hash ${raw.ms.toFixed(0)}ms cpu ${raw.cpuMs.toFixed(0)} | analyse ${a.ms.toFixed(0)}ms cpu ${a.cpuMs.toFixed(0)} keys ${a.result.keys} | iterate ${l.ms.toFixed(0)} cpu ${l.cpuMs.toFixed(0)}`,
    );
  }
  await be.close();
}
main();
