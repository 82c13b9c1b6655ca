import net from "node:net";
import type { ServerAddress } from "./address";
import { MemcachedError, MemcachedTimeoutError, MemcachedUnreachableError } from "./errors";
import { ByteReader } from "./reader";

/**
 * Reads one reply from the reader. Returns undefined when the reply is not complete yet (and keeps its own state
 * between calls if it consumed part of it); returns the value, or throws a MemcachedError, once the whole reply is read.
 */
export interface ResponseParser<T> {
  parse(reader: ByteReader): T | undefined;
}

export interface ConnectionOptions {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

interface Pending {
  parser: ResponseParser<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Opens a socket to a server; rejects on error or after connectTimeoutMs. */
export function openSocket(address: ServerAddress, connectTimeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = address.kind === "unix" ? net.connect({ path: address.path }) : net.connect({ host: address.host, port: address.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new MemcachedTimeoutError(address.label, "connect", connectTimeoutMs));
    }, connectTimeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeListener("error", onError);
      socket.setNoDelay(true);
      resolve(socket);
    });
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(new MemcachedUnreachableError(`cannot connect: ${err.message}`, address.label));
    };
    socket.once("error", onError);
  });
}

/**
 * One persistent text-protocol connection with pipelining: requests are written as soon as they are made and their
 * replies are matched in order. A timeout or socket error drops the connection (later replies could no longer be
 * matched to their requests) and fails every request in flight; the next request reconnects.
 */
export class Connection {
  private socket: net.Socket | null = null;
  private connecting: Promise<net.Socket> | null = null;
  private readonly reader = new ByteReader();
  private readonly queue: Pending[] = [];
  private closed = false;

  constructor(
    readonly address: ServerAddress,
    private readonly opts: ConnectionOptions,
  ) {}

  async request<T>(payload: Buffer | string, parser: ResponseParser<T>, timeoutMs = this.opts.requestTimeoutMs): Promise<T> {
    if (this.closed) throw new MemcachedError("connection closed", this.address.label);
    const socket = await this.connect();
    return new Promise<T>((resolve, reject) => {
      if (socket.destroyed || this.socket !== socket) {
        reject(new MemcachedUnreachableError("connection lost", this.address.label));
        return;
      }
      const timer = setTimeout(() => {
        this.reset(socket, new MemcachedTimeoutError(this.address.label, "request", timeoutMs));
      }, timeoutMs);
      this.queue.push({ parser, resolve: resolve as (v: unknown) => void, reject, timer });
      socket.write(payload);
    });
  }

  close(): void {
    this.closed = true;
    if (this.socket) this.reset(this.socket, new MemcachedError("connection closed", this.address.label));
  }

  private connect(): Promise<net.Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    if (!this.connecting) {
      this.connecting = openSocket(this.address, this.opts.connectTimeoutMs).then(
        (socket) => {
          this.connecting = null;
          if (this.closed) {
            socket.destroy();
            throw new MemcachedError("connection closed", this.address.label);
          }
          this.socket = socket;
          this.reader.clear();
          socket.on("data", (chunk: Buffer) => {
            this.reader.push(chunk);
            this.drain(socket);
          });
          socket.on("error", (err) =>
            this.reset(socket, new MemcachedUnreachableError(`connection error: ${err.message}`, this.address.label)),
          );
          socket.on("close", () =>
            this.reset(socket, new MemcachedUnreachableError("connection closed by the server", this.address.label)),
          );
          return socket;
        },
        (err: unknown) => {
          this.connecting = null;
          throw err;
        },
      );
    }
    return this.connecting;
  }

  private drain(socket: net.Socket): void {
    while (this.queue.length > 0) {
      const head = this.queue[0];
      let value: unknown;
      try {
        value = head.parser.parse(this.reader);
      } catch (err) {
        this.queue.shift();
        clearTimeout(head.timer);
        head.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      if (value === undefined) return;
      this.queue.shift();
      clearTimeout(head.timer);
      head.resolve(value);
    }
    if (this.reader.available > 0) {
      this.reset(socket, new MemcachedError("unexpected bytes from the server (protocol out of step)", this.address.label));
    }
  }

  private reset(socket: net.Socket, error: Error): void {
    if (this.socket !== socket) return;
    this.socket = null;
    socket.destroy();
    this.reader.clear();
    for (const pending of this.queue.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }
}
