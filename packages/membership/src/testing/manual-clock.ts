import type { Clock, TimerHandle } from '../node/clock.js';
import { EventHeap } from './event-heap.js';

/**
 * A clock that moves only when told to: `advance(ms)` runs every timer due, in order, with
 * `now()` set to each timer's time. The wall clock is the monotonic one plus a fixed offset.
 */
export class ManualClock implements Clock {
  #now: number;
  readonly #wallOffset: number;
  readonly #timers = new EventHeap<{ id: number; fn: () => void }>();
  readonly #cancelled = new Set<number>();
  #nextId = 0;

  constructor(options: { start?: number; wallStart?: number } = {}) {
    this.#now = options.start ?? 0;
    this.#wallOffset = (options.wallStart ?? 1_732_240_000_000) - this.#now;
  }

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.#now + this.#wallOffset;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = ++this.#nextId;
    this.#timers.push(this.#now + Math.max(0, delayMs), { id, fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.#cancelled.add(handle.id as number);
  }

  /** Runs all timers due within `ms` from now (including ones they set), then sets the time. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const at = this.#timers.peekTime();
      if (at === undefined || at > until) break;
      const { value } = this.#timers.pop()!;
      if (this.#cancelled.delete(value.id)) continue;
      this.#now = Math.max(this.#now, at);
      value.fn();
    }
    this.#now = until;
  }
}
