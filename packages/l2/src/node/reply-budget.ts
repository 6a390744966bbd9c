import type { Clock } from './clock.js';

/**
 * A token bucket bounding replies per interface: a flood of requests cannot make us flood the
 * segment back. Refills continuously at `perSecond`, holds at most `perSecond` tokens (one
 * second of burst). Replies over budget are dropped and counted as `rateLimited`.
 */
export class ReplyBudget {
  #tokens: number;
  #at: number;

  constructor(
    readonly perSecond: number,
    readonly clock: Clock,
  ) {
    this.#tokens = perSecond;
    this.#at = clock.now();
  }

  take(): boolean {
    const now = this.clock.now();
    this.#tokens = Math.min(this.perSecond, this.#tokens + ((now - this.#at) * this.perSecond) / 1000);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
