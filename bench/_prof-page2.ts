import { redis as d } from "@/lib/backends/redis";
const PORT = 6492;
const cfg = {
  alias: "b",
  backendPath: "django_redis.cache.RedisCache",
  locations: [`redis://127.0.0.1:${PORT}/0`],
  keyPrefix: "",
  version: 1,
  options: {},
  timeout: 300,
} as any;
async function main() {
  const be = d.create(cfg);
  await be.status();
  const xs: number[] = [];
  let p: any;
  for (let r = 0; r < 30; r++) {
    const t = performance.now();
    p = await be.listKeys({ prefix: ":1:app.ns7.", cursor: null, count: 100, withMeta: true });
    xs.push(performance.now() - t);
  }
  console.log(p.keys.length, p.scanned, p.keys[0], xs.sort((a, b) => a - b)[15].toFixed(2));
  let n = 0,
    cur: string | null = null,
    calls = 0;
  do {
    const q: any = await be.listKeys({ prefix: ":1:app.ns7.", cursor: cur, count: 100, withMeta: true });
    n += q.keys.length;
    cur = q.cursor;
    calls++;
  } while (cur);
  console.log("all pages", n, calls);
  const big: any = await be.listKeys({ prefix: "", cursor: null, count: 1000, withMeta: true });
  console.log("big", big.keys.length, big.keys[999]);
  await be.close();
}
main();
