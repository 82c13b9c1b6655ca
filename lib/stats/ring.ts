/**
 * A fixed-capacity ring buffer: pushing past capacity drops the oldest item. Holds an hour of samples per cache and
 * per server without ever growing or shifting arrays on the hot path.
 */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** i = 0 is the oldest item held. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  last(): T | undefined {
    return this.at(this.count - 1);
  }

  /** Everything held, oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.at(i) as T);
    return out;
  }

  /**
   * The newest items for which keep() holds, oldest first. Walks back from the newest and stops at the first item
   * keep() rejects, so "the last N seconds" costs only what it returns.
   */
  tail(keep: (item: T) => boolean): T[] {
    let i = this.count - 1;
    while (i >= 0 && keep(this.at(i) as T)) i--;
    const out: T[] = [];
    for (let j = i + 1; j < this.count; j++) out.push(this.at(j) as T);
    return out;
  }
}
