import { performance } from 'node:perf_hooks';

/** A monotonic clock in microseconds. Tests use `ManualScheduler` from `@ironlb/bfd/testing`. */
export interface Clock {
  nowUs(): number;
}

/** `performance.now()` in whole microseconds. */
export const monotonicClock: Clock = {
  nowUs: () => Math.floor(performance.now() * 1000),
};
