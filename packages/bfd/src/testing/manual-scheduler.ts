import type { Clock } from '../node/clock.js';
import { MinHeap } from '../node/min-heap.js';
import type { TimerScheduler } from '../node/scheduler.js';

interface Entry {
  at: number;
  seq: number;
  id: string;
  fire: (nowUs: number) => void;
  live: boolean;
}

/**
 * A manual clock and scheduler in one: time moves only through `advance`/`advanceTo`, which
 * fire due timers in deadline order with the clock set to each deadline. Unit tests of the
 * manager use it; no wall-clock time is involved.
 */
export class ManualScheduler implements Clock, TimerScheduler {
  #now: number;
  #seq = 0;
  readonly #heap = new MinHeap<Entry>();
  readonly #byId = new Map<string, Entry>();

  constructor(startUs = 1_000_000) {
    this.#now = startUs;
  }

  nowUs(): number {
    return this.#now;
  }

  get pending(): number {
    return this.#byId.size;
  }

  set(id: string, atUs: number, fire: (nowUs: number) => void): void {
    this.clear(id);
    const e: Entry = { at: atUs, seq: this.#seq++, id, fire, live: true };
    this.#byId.set(id, e);
    this.#heap.push(e);
  }

  clear(id: string): void {
    const e = this.#byId.get(id);
    if (e) e.live = false;
    this.#byId.delete(id);
  }

  /** Moves time forward by `us`, firing every timer due on the way. */
  advance(us: number): void {
    this.advanceTo(this.#now + us);
  }

  advanceTo(targetUs: number): void {
    for (let top = this.#heap.peek(); top && top.at <= targetUs; top = this.#heap.peek()) {
      this.#heap.pop();
      if (!top.live) continue;
      top.live = false;
      this.#byId.delete(top.id);
      this.#now = Math.max(this.#now, top.at);
      top.fire(this.#now);
    }
    this.#now = Math.max(this.#now, targetUs);
  }

  close(): void {
    for (const id of [...this.#byId.keys()]) this.clear(id);
  }
}
