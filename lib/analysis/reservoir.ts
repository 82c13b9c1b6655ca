/**
 * A uniform random sample of n items from a stream of unknown length, in n items of memory (Vitter's algorithm R):
 * item i (0-based) replaces a random kept one with probability n / (i + 1).
 */
export class Reservoir<T> {
  private readonly items: T[] = [];
  private seen = 0;

  constructor(
    private readonly n: number,
    private readonly random: () => number = Math.random,
  ) {}

  add(item: T): void {
    this.seen += 1;
    if (this.items.length < this.n) {
      this.items.push(item);
      return;
    }
    const j = Math.floor(this.random() * this.seen);
    if (j < this.n) this.items[j] = item;
  }

  get count(): number {
    return this.seen;
  }

  sample(): T[] {
    return this.items;
  }
}
