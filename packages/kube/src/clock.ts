// Time as an injected dependency: production uses the system clock; tests drive a ManualClock
// (@ironlb/kube/testing), so no unit test depends on wall-clock speed.

/** A scheduled callback. */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Resolves after `ms` on `clock`, or rejects with the signal's reason when aborted first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Kubernetes MicroTime (Lease acquireTime/renewTime, Event eventTime): RFC 3339 with exactly
 * six fractional digits. The API server rejects JavaScript's three-digit `toISOString()`.
 */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

let lastSecond = Number.NaN;
let lastKubeTime = '';

/** Kubernetes Time (metav1.Time): RFC 3339 in whole seconds. */
export function kubeTime(ms: number): string {
  // Called for every condition written; the text changes once a second.
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastKubeTime = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = second;
  }
  return lastKubeTime;
}
