// A work queue with controller-runtime semantics: level-triggered by key.
//
// - Dedup: a key waiting in the queue is queued once, however often it is added.
// - Single flight: a key is handled by at most one worker at a time; adding it while it is
//   being handled queues it again for after the handler returns.
// - Retries: a handler that returns `retry` is requeued after an exponential backoff per key
//   (capped), further limited by a token bucket shared by all keys; `done` forgets the key's
//   failures.
// - Shutdown: stops taking keys, lets running handlers finish, drops delayed keys.
//
// Data flow: add() -> ready FIFO -> worker -> handler(key) -> result -> done / requeue.
import type { Logger } from 'pino';
import { systemClock } from './clock.js';
import type { Clock, Timer } from './clock.js';
import { DelayHeap } from './delay-heap.js';
import type { RuntimeMetrics } from './metrics.js';
import { PerKeyBackoff, TokenBucket } from './rate-limit.js';
import type { BackoffOptions } from './rate-limit.js';

/** What a handler returns. Handlers never throw on purpose; a throw counts as `retry`. */
export type ReconcileResult =
  | { readonly kind: 'done' }
  /** Try again after a backoff (or after `afterMs` when given). */
  | { readonly kind: 'retry'; readonly reason: string; readonly afterMs?: number }
  /** Succeeded, but look again after `afterMs` (no backoff, failures forgotten). */
  | { readonly kind: 'requeue'; readonly afterMs: number }
  /** Give up on this key until it is added again. */
  | { readonly kind: 'failed'; readonly reason: string };

export const done: ReconcileResult = { kind: 'done' };

export type Handler<K> = (key: K) => Promise<ReconcileResult>;

export interface WorkQueueOptions {
  /** Names the queue in metrics and logs. */
  name: string;
  clock?: Clock;
  /** Number of keys handled at the same time (default 1). */
  concurrency?: number;
  /** Backoff of retried keys (default 50 ms doubling up to 60 s). */
  backoff?: BackoffOptions;
  /** Overall rate of retries (default 50 per second, burst 200). */
  retryRate?: { perSecond: number; burst: number };
  metrics?: RuntimeMetrics;
  logger?: Logger;
}

export class WorkQueue<K extends string = string> {
  readonly name: string;
  readonly #clock: Clock;
  readonly #concurrency: number;
  readonly #backoff: PerKeyBackoff<K>;
  readonly #bucket: TokenBucket;
  readonly #metrics?: RuntimeMetrics;
  /** This queue's series (prom-client children: no label hashing per key). */
  readonly #m?: {
    adds: { inc(): void };
    depth: { set(v: number): void };
    wait: { observe(v: number): void };
    work: { observe(v: number): void };
    results: Map<string, { inc(): void }>;
  };
  readonly #logger?: Logger;

  /** FIFO of ready keys; `#head` is the index of the next one. */
  #ready: K[] = [];
  #head = 0;
  /** Keys that need handling (in `#ready`, or being handled and added again). */
  readonly #dirty = new Set<K>();
  readonly #processing = new Set<K>();
  readonly #addedAt = new Map<K, number>();
  readonly #delayed = new DelayHeap<K>();
  #delayTimer?: { timer: Timer; due: number };

  #handler?: Handler<K>;
  #running = 0;
  #shuttingDown = false;
  #idleWaiters: (() => void)[] = [];
  #shutdownWaiters: (() => void)[] = [];

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.#clock = options.clock ?? systemClock;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#backoff = new PerKeyBackoff(options.backoff ?? { baseMs: 50, maxMs: 60_000 });
    const rate = options.retryRate ?? { perSecond: 50, burst: 200 };
    this.#bucket = new TokenBucket({ ...rate, now: this.#clock.now() });
    this.#metrics = options.metrics;
    const m = options.metrics;
    if (m) {
      const queue = options.name;
      this.#m = {
        adds: m.queueAdds.labels({ queue }),
        depth: m.queueDepth.labels({ queue }),
        wait: m.queueWaitDuration.labels({ queue }),
        work: m.queueWorkDuration.labels({ queue }),
        results: new Map(),
      };
    }
    this.#logger = options.logger?.child({ component: 'workqueue', queue: options.name });
  }

  /** Keys ready to be handled (not counting delayed or running ones). */
  get length(): number {
    return this.#ready.length - this.#head;
  }

  get delayedCount(): number {
    return this.#delayed.size;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Queues `key` now. */
  add(key: K): void {
    if (this.#shuttingDown) return;
    this.#m?.adds.inc();
    this.#delayed.delete(key);
    if (this.#dirty.has(key)) return;
    this.#dirty.add(key);
    this.#addedAt.set(key, this.#clock.now());
    if (this.#processing.has(key)) return;
    this.#push(key);
  }

  /** Queues `key` after `ms` (an earlier pending schedule of the same key wins). */
  addAfter(key: K, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) return this.add(key);
    if (this.#dirty.has(key) && !this.#processing.has(key)) return; // already ready
    if (this.#delayed.push(key, this.#clock.now() + ms)) this.#armDelayTimer();
  }

  /** Queues `key` after its backoff and the shared retry rate limit. */
  addRateLimited(key: K): void {
    const delay = Math.max(this.#backoff.next(key), this.#bucket.reserve(this.#clock.now()));
    this.addAfter(key, delay);
  }

  /** Forgets the failures of `key` (its next retry starts from the base delay). */
  forget(key: K): void {
    this.#backoff.forget(key);
  }

  failures(key: K): number {
    return this.#backoff.failures(key);
  }

  /** Starts the workers. Call once. */
  start(handler: Handler<K>): void {
    if (this.#handler) throw new Error(`work queue ${this.name} already started`);
    this.#handler = handler;
    this.#pump();
  }

  /**
   * Stops taking keys and drops delayed ones; resolves when running handlers have returned.
   * Keys still waiting are abandoned (a new leader or a restart relists everything).
   */
  shutdown(): Promise<void> {
    this.#shuttingDown = true;
    this.#delayTimer?.timer.cancel();
    this.#delayTimer = undefined;
    this.#delayed.clear();
    this.#ready = [];
    this.#head = 0;
    this.#dirty.clear();
    this.#updateDepth();
    this.#notifyIdle();
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#shutdownWaiters.push(resolve));
  }

  /** Resolves once nothing is ready or running (delayed keys do not count). */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #isIdle(): boolean {
    return this.#running === 0 && this.length === 0;
  }

  #notifyIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  #push(key: K): void {
    this.#ready.push(key);
    this.#updateDepth();
    this.#pump();
  }

  #updateDepth(): void {
    this.#m?.depth.set(this.length);
  }

  #take(): K | undefined {
    if (this.#head >= this.#ready.length) return undefined;
    const key = this.#ready[this.#head++]!;
    if (this.#head > 1024 && this.#head * 2 > this.#ready.length) {
      this.#ready = this.#ready.slice(this.#head);
      this.#head = 0;
    }
    return key;
  }

  #pump(): void {
    const handler = this.#handler;
    if (!handler || this.#shuttingDown) return;
    while (this.#running < this.#concurrency) {
      const key = this.#take();
      if (key === undefined) break;
      this.#dirty.delete(key);
      this.#processing.add(key);
      this.#running++;
      const addedAt = this.#addedAt.get(key);
      this.#addedAt.delete(key);
      if (addedAt !== undefined) this.#m?.wait.observe((this.#clock.now() - addedAt) / 1000);
      void this.#work(handler, key);
    }
    this.#updateDepth();
  }

  async #work(handler: Handler<K>, key: K): Promise<void> {
    const started = performance.now();
    let result: ReconcileResult;
    try {
      result = await handler(key);
    } catch (err) {
      this.#logger?.error({ event: 'handlerThrew', key, err }, 'work queue handler threw');
      result = { kind: 'retry', reason: 'handlerThrew' };
    }
    this.#observeResult(result.kind, performance.now() - started);
    this.#processing.delete(key);
    this.#running--;
    switch (result.kind) {
      case 'done':
        this.#backoff.forget(key);
        break;
      case 'requeue':
        this.#backoff.forget(key);
        this.addAfter(key, result.afterMs);
        break;
      case 'retry':
        this.#metrics?.queueRetries.inc({ queue: this.name, reason: result.reason });
        this.#logger?.debug({ event: 'retry', key, reason: result.reason }, 'retrying key');
        if (result.afterMs !== undefined) this.addAfter(key, result.afterMs);
        else this.addRateLimited(key);
        break;
      case 'failed':
        this.#backoff.forget(key);
        this.#logger?.warn({ event: 'failed', key, reason: result.reason }, 'giving up on key');
        break;
    }
    if (this.#dirty.has(key) && !this.#shuttingDown) {
      // Added again while running: new information, handle it now rather than after a backoff.
      this.#delayed.delete(key);
      this.#push(key);
    }
    if (this.#shuttingDown && this.#running === 0) {
      const waiters = this.#shutdownWaiters;
      this.#shutdownWaiters = [];
      for (const w of waiters) w();
    }
    this.#pump();
    this.#notifyIdle();
  }

  #observeResult(kind: ReconcileResult['kind'], ms: number): void {
    const m = this.#m;
    if (!m) return;
    m.work.observe(ms / 1000);
    let counter = m.results.get(kind);
    if (!counter) {
      counter = this.#metrics!.queueResults.labels({ queue: this.name, result: kind });
      m.results.set(kind, counter);
    }
    counter.inc();
  }

  #armDelayTimer(): void {
    const due = this.#delayed.peekDue();
    if (due === undefined) return;
    if (this.#delayTimer && this.#delayTimer.due <= due) return;
    this.#delayTimer?.timer.cancel();
    const timer = this.#clock.setTimer(due - this.#clock.now(), () => {
      this.#delayTimer = undefined;
      for (const key of this.#delayed.popDue(this.#clock.now())) this.add(key);
      this.#armDelayTimer();
    });
    this.#delayTimer = { timer, due };
  }
}
