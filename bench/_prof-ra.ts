import Redis from "ioredis";
import { analyse } from "@/lib/analysis/run";
import { redis as d } from "@/lib/backends/redis";
const PORT = 6496;
const cfg = { alias: "b", backendPath: "django_redis.cache.RedisCache", locations: [`redis://127.0.0.1:${PORT}/0`], keyPrefix: "", version: 1, options: {}, timeout: 300 } as any;
async function main() {
  const c = new Redis({ port: PORT });
  const be = d.create(cfg);
  for (let r = 0; r < 2; r++) {
    await c.config("RESETSTAT");
    const cpu = process.cpuUsage();
    const t = performance.now();
    const res = await analyse(be, cfg);
    const ms = performance.now() - t;
    const u = process.cpuUsage(cpu);
    const stats = (await c.info("commandstats")).split("\n").filter((l) => /evalsha|scan|object|memory|pttl/.test(l));
    console.log(`analyse ${ms.toFixed(0)} ms, client cpu ${((u.user + u.system) / 1000).toFixed(0)} ms, keys ${res.keys}`);
    for (const l of stats) console.log("  ", l.trim().slice(0, 90));
  }
  c.disconnect(); await be.close();
}
main();
