// Rate limiting primitives used by the work queue and the event recorder.

/** A token bucket: `burst` tokens, refilled at `perSecond` tokens per second. */
export class TokenBucket {
  readonly #perSecond: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  constructor(options: { perSecond: number; burst: number; now: number }) {
    this.#perSecond = options.perSecond;
    this.#burst = options.burst;
    this.#tokens = options.burst;
    this.#last = options.now;
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#last) / 1000;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perSecond);
    this.#last = now;
  }

  /** Takes a token if one is available now. */
  tryTake(now: number): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Takes a token, possibly in the future: returns how long (ms) to wait before using it. */
  reserve(now: number): number {
    this.#refill(now);
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#perSecond) * 1000);
  }

  /** Whether the bucket is full again (its state can be forgotten). */
  isFull(now: number): boolean {
    this.#refill(now);
    return this.#tokens >= this.#burst;
  }
}

export interface BackoffOptions {
  /** First delay (ms). */
  baseMs: number;
  /** Cap (ms). */
  maxMs: number;
}

/** Exponential backoff per key: base, 2 base, 4 base, ... capped at max. */
export class PerKeyBackoff<K> {
  readonly #options: BackoffOptions;
  readonly #failures = new Map<K, number>();

  constructor(options: BackoffOptions) {
    this.#options = options;
  }

  /** Records a failure of `key` and returns the delay before its next attempt. */
  next(key: K): number {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    return Math.min(this.#options.maxMs, this.#options.baseMs * 2 ** Math.min(n, 52));
  }

  failures(key: K): number {
    return this.#failures.get(key) ?? 0;
  }

  forget(key: K): void {
    this.#failures.delete(key);
  }
}
