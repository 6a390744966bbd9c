// A min-heap of (due time, key) with one entry per key (the earliest wins): the delayed part
// of the work queue, so that 10,000 backed-off keys cost one timer, not 10,000.

interface Entry<K> {
  due: number;
  seq: number;
  key: K;
}

export class DelayHeap<K> {
  readonly #heap: Entry<K>[] = [];
  readonly #due = new Map<K, number>();
  #seq = 0;

  get size(): number {
    return this.#due.size;
  }

  /** Schedules `key` at `due` unless it is already scheduled earlier. Returns whether it changed. */
  push(key: K, due: number): boolean {
    const current = this.#due.get(key);
    if (current !== undefined && current <= due) return false;
    this.#due.set(key, due);
    this.#heap.push({ due, seq: this.#seq++, key });
    this.#up(this.#heap.length - 1);
    return true;
  }

  delete(key: K): void {
    this.#due.delete(key);
  }

  /** The earliest due time, or undefined when empty. */
  peekDue(): number | undefined {
    this.#dropStale();
    return this.#heap[0]?.due;
  }

  /** Removes and returns every key due at or before `now`, earliest first. */
  popDue(now: number): K[] {
    const out: K[] = [];
    for (;;) {
      this.#dropStale();
      const top = this.#heap[0];
      if (!top || top.due > now) return out;
      this.#pop();
      this.#due.delete(top.key);
      out.push(top.key);
    }
  }

  clear(): void {
    this.#heap.length = 0;
    this.#due.clear();
  }

  #dropStale(): void {
    while (this.#heap.length > 0) {
      const top = this.#heap[0]!;
      if (this.#due.get(top.key) === top.due) return;
      this.#pop();
    }
  }

  #less(a: Entry<K>, b: Entry<K>): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  #pop(): void {
    const last = this.#heap.pop()!;
    if (this.#heap.length === 0) return;
    this.#heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.#heap.length && this.#less(this.#heap[l]!, this.#heap[m]!)) m = l;
      if (r < this.#heap.length && this.#less(this.#heap[r]!, this.#heap[m]!)) m = r;
      if (m === i) return;
      [this.#heap[i], this.#heap[m]] = [this.#heap[m]!, this.#heap[i]!];
      i = m;
    }
  }

  #up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(this.#heap[i]!, this.#heap[p]!)) return;
      [this.#heap[i], this.#heap[p]] = [this.#heap[p]!, this.#heap[i]!];
      i = p;
    }
  }
}
