/**
 * Bytes received from a server, consumed line by line or block by block.
 * Socket chunks split replies anywhere (inside a line, inside a value, between \r and \n): every read either
 * returns a complete piece or null and consumes nothing, so parsers can simply retry when more bytes arrive.
 */
export class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  push(chunk: Buffer): void {
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
  }

  get available(): number {
    return this.buf.length - this.pos;
  }

  /** The next line without its terminator ("\r\n" or a bare "\n", as metadump data lines use), or null. */
  readLine(): string | null {
    const nl = this.buf.indexOf(0x0a, this.pos);
    if (nl === -1) return null;
    const end = nl > this.pos && this.buf[nl - 1] === 0x0d ? nl - 1 : nl;
    const line = this.buf.toString("latin1", this.pos, end);
    this.pos = nl + 1;
    return line;
  }

  /** Exactly n bytes, or null. The result may share memory with the receive buffer: copy it to keep it. */
  readBytes(n: number): Buffer | null {
    if (this.available < n) return null;
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Direct access for the metadump parser, which scans lines in place for speed. */
  view(): { buf: Buffer; pos: number } {
    return { buf: this.buf, pos: this.pos };
  }

  advanceTo(pos: number): void {
    this.pos = pos;
  }

  clear(): void {
    this.buf = Buffer.alloc(0);
    this.pos = 0;
  }
}
