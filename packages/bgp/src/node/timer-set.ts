import type { Clock, ClockTimer } from './clock.js';

/**
 * Named one-shot timers with lazy restart: restarting a running timer only moves its deadline,
 * and the underlying clock timer is re-armed when it fires early. The hold timer is restarted
 * on every message received (RFC 4271 §8.2.2), so this keeps a burst of UPDATEs from creating
 * and cancelling thousands of clock timers.
 */
export class TimerSet<N extends string> {
  readonly #clock: Clock;
  readonly #onExpire: (name: N) => void;
  readonly #timers = new Map<N, { deadline: number; firesAt: number; handle: ClockTimer }>();

  constructor(clock: Clock, onExpire: (name: N) => void) {
    this.#clock = clock;
    this.#onExpire = onExpire;
  }

  start(name: N, seconds: number): void {
    const now = this.#clock.now();
    const deadline = now + seconds * 1000;
    const t = this.#timers.get(name);
    if (t && t.firesAt <= deadline) {
      t.deadline = deadline;
      return;
    }
    if (t) this.#clock.clearTimeout(t.handle);
    this.#arm(name, deadline, deadline - now);
  }

  stop(name: N): void {
    const t = this.#timers.get(name);
    if (!t) return;
    this.#clock.clearTimeout(t.handle);
    this.#timers.delete(name);
  }

  stopAll(): void {
    for (const name of [...this.#timers.keys()]) this.stop(name);
  }

  running(name: N): boolean {
    return this.#timers.has(name);
  }

  #arm(name: N, deadline: number, ms: number): void {
    const firesAt = this.#clock.now() + ms;
    const handle = this.#clock.setTimeout(() => this.#fire(name), Math.max(0, ms));
    this.#timers.set(name, { deadline, firesAt, handle });
  }

  #fire(name: N): void {
    const t = this.#timers.get(name);
    if (!t) return;
    const left = t.deadline - this.#clock.now();
    if (left > 0.5) {
      this.#arm(name, t.deadline, left);
      return;
    }
    this.#timers.delete(name);
    this.#onExpire(name);
  }
}
