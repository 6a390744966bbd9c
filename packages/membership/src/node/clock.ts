import { performance } from 'node:perf_hooks';

/**
 * Time for the node layer: a monotonic clock for the protocol (never jumps with NTP), the
 * wall clock for the replay window and for reporting, and one-shot timers. Tests inject a
 * manual implementation (`ManualClock` in `@ironlb/membership/testing`).
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Milliseconds since 1970 (may jump). */
  wallNow(): number;
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export type TimerHandle = { readonly id: unknown };

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimer(delayMs, fn) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref();
    return { id: t };
  },
  clearTimer(handle) {
    clearTimeout(handle.id as ReturnType<typeof setTimeout>);
  },
};
