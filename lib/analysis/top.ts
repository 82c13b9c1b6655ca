/**
 * The N largest items seen, in O(log N) per item and N items of memory: a min-heap whose root is the smallest
 * kept item, so a new item only has to beat the root.
 */
export class TopN<T> {
  private readonly heap: T[] = [];

  constructor(
    private readonly n: number,
    private readonly weight: (item: T) => number,
  ) {}

  /** Cheap test before building an item: would one of this weight be kept? */
  accepts(weight: number): boolean {
    return this.heap.length < this.n || weight > this.weight(this.heap[0]);
  }

  add(item: T): void {
    if (this.n <= 0) return;
    const w = this.weight(item);
    if (this.heap.length < this.n) {
      this.heap.push(item);
      this.up(this.heap.length - 1);
    } else if (w > this.weight(this.heap[0])) {
      this.heap[0] = item;
      this.down(0);
    }
  }

  /** Largest first. */
  result(): T[] {
    return [...this.heap].sort((a, b) => this.weight(b) - this.weight(a));
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.weight(h[parent]) <= this.weight(h[i])) return;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < h.length && this.weight(h[l]) < this.weight(h[min])) min = l;
      if (r < h.length && this.weight(h[r]) < this.weight(h[min])) min = r;
      if (min === i) return;
      [h[min], h[i]] = [h[i], h[min]];
      i = min;
    }
  }
}
