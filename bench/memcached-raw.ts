import net from "node:net";

/** Raw memcached protocol work on a socket, the yardstick the memcached benches measure the app against. */

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Sends a payload and waits until the reply ends with `end`. */
export function exchange(socket: net.Socket, payload: Buffer | string, end: string, onChunk?: (chunk: Buffer) => void): Promise<void> {
  const endBuf = Buffer.from(end);
  return new Promise((resolve, reject) => {
    let tail = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      onChunk?.(chunk);
      tail = Buffer.concat([tail, chunk]).subarray(-endBuf.length);
      if (tail.equals(endBuf)) {
        socket.off("data", onData);
        socket.off("error", reject);
        resolve();
      }
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.write(payload);
  });
}

/** Writes `count` items with pipelined noreply sets (a third without expiry), ended by mn so all have landed. */
export async function fill(
  socket: net.Socket,
  count: number,
  item: (i: number) => { key: string; value: string; flags: number },
): Promise<void> {
  const CHUNK = 20_000;
  for (let start = 0; start < count; start += CHUNK) {
    let payload = "";
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      const { key, value, flags } = item(i);
      payload += `set ${key} ${flags} ${i % 3 === 0 ? 0 : 86_400} ${value.length} noreply\r\n${value}\r\n`;
    }
    await exchange(socket, `${payload}mn\r\n`, "MN\r\n");
  }
}

/** A raw `lru_crawler metadump` read that only counts the item lines: the least any listing must do. */
export async function rawDump(port: number, mode: "all" | "hash"): Promise<number> {
  const socket = await connect(port);
  let lines = 0;
  await exchange(socket, `lru_crawler metadump ${mode}\r\n`, "END\r\n", (chunk) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  });
  socket.destroy();
  return lines - 1;
}

/** Wall time, and this process's CPU time (user + system): the part of the cost that is ours, not the server's. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, result };
}
