// A clock that only moves when the test says so.
import type { Clock, Timer } from '../clock.js';

interface Scheduled {
  due: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Lets pending promise callbacks (and the I/O they chain) run. */
export async function flushMicrotasks(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Scheduled[] = [];

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const t: Scheduled = { due: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(t);
    return {
      cancel: () => {
        t.cancelled = true;
      },
    };
  }

  /** Timers not yet fired nor cancelled. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  #next(limit: number): Scheduled | undefined {
    this.#timers = this.#timers.filter((t) => !t.cancelled);
    let best: Scheduled | undefined;
    for (const t of this.#timers)
      if (t.due <= limit && (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq))) best = t;
    return best;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order (including timers they set) and
   * letting promise callbacks run after each one.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushMicrotasks();
    for (;;) {
      const t = this.#next(target);
      if (!t) break;
      t.cancelled = true;
      this.#now = Math.max(this.#now, t.due);
      t.fn();
      await flushMicrotasks();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  /** Sets the time without firing timers (to model a stalled process). */
  jump(ms: number): void {
    this.#now += ms;
  }
}
