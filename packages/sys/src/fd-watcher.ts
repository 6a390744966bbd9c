import { native, type PollHandle } from './binding.js';
import { SystemError } from './system-error.js';

export const PollEvent = { readable: 1, writable: 2 } as const;

/**
 * Readiness of a file descriptor on Node's event loop (a libuv `uv_poll_t`). Never blocks:
 * the callback runs on the loop when the fd is readable/writable and does its own
 * non-blocking reads. Polling is level-triggered, so a callback that stops early (bounded
 * work per tick) is called again on the next loop iteration.
 */
export class FdWatcher {
  #handle: PollHandle | undefined;

  constructor(
    readonly fd: number,
    events: number,
    callback: (status: number, events: number) => void,
  ) {
    const handle = native().pollStart(fd, events, callback);
    if (typeof handle === 'number') throw new SystemError(handle, 'uv_poll_start', { fd });
    this.#handle = handle;
  }

  get active(): boolean {
    return this.#handle !== undefined;
  }

  update(events: number): void {
    if (!this.#handle) return;
    const rc = native().pollUpdate(this.#handle, events);
    if (rc < 0) throw new SystemError(rc, 'uv_poll_start', { fd: this.fd });
  }

  /** Whether this watcher alone keeps the process alive (like `timer.ref()/unref()`). */
  ref(ref = true): this {
    if (this.#handle) native().pollRef(this.#handle, ref);
    return this;
  }

  unref(): this {
    return this.ref(false);
  }

  /** Stops at once; the fd may be handed to another owner right after. Idempotent. */
  stop(): void {
    if (!this.#handle) return;
    native().pollStop(this.#handle);
    this.#handle = undefined;
  }
}
