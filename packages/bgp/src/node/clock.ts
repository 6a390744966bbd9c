/**
 * Time for the session: a monotonic `now()` in milliseconds and one-shot timers. Injected so
 * that tests drive hold timers and reconnect damping with a manual clock
 * (`@ironlb/bgp/testing`), never with wall-clock sleeps.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** An opaque timer handle. */
export type ClockTimer = { readonly __clockTimer?: never } | object;

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
};
