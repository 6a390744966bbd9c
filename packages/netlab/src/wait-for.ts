import { NetlabError, NetlabErrorCode } from './errors.js';

export interface WaitForOptions {
  /** Give up after this long (required: every wait is bounded). */
  timeoutMs: number;
  /** Time between two evaluations of the predicate. Default 50 ms. */
  intervalMs?: number;
  /** What is being waited for, in words: it starts the time-out error message. */
  description: string;
}

/** The error `waitFor` throws on time-out, with the last value and the last error seen. */
export class NetlabTimeoutError extends NetlabError {
  readonly description: string;
  readonly elapsedMs: number;
  readonly attempts: number;
  readonly lastValue: unknown;

  constructor(details: {
    description: string;
    elapsedMs: number;
    attempts: number;
    lastValue: unknown;
    lastError: unknown;
  }) {
    const last =
      details.lastError !== undefined
        ? `; last error: ${details.lastError instanceof Error ? details.lastError.message : String(details.lastError)}`
        : `; last value: ${describeValue(details.lastValue)}`;
    super(
      NetlabErrorCode.Timeout,
      `timed out after ${Math.round(details.elapsedMs)} ms (${details.attempts} attempts) waiting for ${details.description}${last}`,
      details.lastError !== undefined ? { cause: details.lastError } : undefined,
    );
    this.name = 'NetlabTimeoutError';
    this.description = details.description;
    this.elapsedMs = details.elapsedMs;
    this.attempts = details.attempts;
    this.lastValue = details.lastValue;
  }
}

const aborted = Symbol('netlab.waitFor.abort');

/**
 * Throw what this returns from a `waitFor` predicate to stop waiting at once and make `waitFor`
 * reject with `error` (for example: the daemon being waited for has exited). Any other error
 * thrown by a predicate means "not yet".
 */
export function abortWait(error: Error): Error {
  return Object.assign(error, { [aborted]: true });
}

function isAbort(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[aborted] === true;
}

/** A falsy result (false, undefined, null, 0, '') means "not yet". */
export type WaitPredicate<T> = () => T | Promise<T>;

/**
 * Evaluates `predicate` until it returns a truthy value and returns that value. A predicate that
 * throws counts as "not yet" (the last error is reported on time-out). The predicate is always
 * evaluated at least once, and once more at the deadline, so a slow predicate still gets its
 * final chance. A predicate can end the wait early with `throw abortWait(err)`.
 */
export async function waitFor<T>(
  predicate: WaitPredicate<T>,
  options: WaitForOptions,
): Promise<NonNullable<T>> {
  const intervalMs = options.intervalMs ?? 50;
  const started = performance.now();
  const deadline = started + options.timeoutMs;
  let attempts = 0;
  let lastValue: unknown;
  let lastError: unknown;
  for (;;) {
    attempts++;
    try {
      // A predicate that hangs must not stretch the wait: it gets what is left of the time
      // limit (at least one interval, at least 1 s) and then counts as timed out.
      const budget = Math.max(deadline - performance.now(), intervalMs, 1000);
      const value = await raceBudget(predicate(), budget);
      lastError = undefined;
      lastValue = value;
      if (value) return value as NonNullable<T>;
    } catch (err) {
      if (isAbort(err)) throw err;
      lastError = err;
    }
    const now = performance.now();
    if (now >= deadline) {
      throw new NetlabTimeoutError({
        description: options.description,
        elapsedMs: now - started,
        attempts,
        lastValue,
        lastError,
      });
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - now)));
  }
}

const overBudget = Symbol('netlab.waitFor.overBudget');

async function raceBudget<T>(value: T | Promise<T>, budgetMs: number): Promise<T> {
  if (!(value instanceof Promise)) return value;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<typeof overBudget>((resolve) => {
    timer = setTimeout(() => resolve(overBudget), budgetMs);
  });
  try {
    const result = await Promise.race([value, limit]);
    if (result === overBudget)
      throw new Error(`the check itself took longer than ${Math.round(budgetMs)} ms`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with a NetlabTimeoutError when `promise` does not settle within `timeoutMs`. */
export async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  description: string,
): Promise<T> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new NetlabTimeoutError({
            description,
            elapsedMs: performance.now() - started,
            attempts: 1,
            lastValue: undefined,
            lastError: undefined,
          }),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 300 ? `${text.slice(0, 300)}...` : text;
  } catch {
    return String(value);
  }
}
