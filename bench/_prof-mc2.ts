import { analyse } from "@/lib/analysis/run";
import { memcached as d } from "@/lib/backends/memcached";
const PORT = 11492;
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
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    await analyse(be, cfg);
    console.log((performance.now() - t).toFixed(0));
  }
  await be.close();
}
main();
