// The leader elector as its users see it.

export interface LeaderElector {
  /** Who this replica is in the lease (`holderIdentity`). */
  readonly identity: string;
  /** Whether this replica leads right now. Check it immediately before every write. */
  isLeader(): boolean;
  /**
   * Calls `listener(true)` when this replica starts leading and `listener(false)` when it
   * stops (lost the lease, could not renew in time, or stop()). Returns an unsubscribe function.
   */
  onChange(listener: (leading: boolean) => void): () => void;
  /** An AbortSignal that aborts when the current term ends; already aborted when not leading. */
  termSignal(): AbortSignal;
  /** Starts campaigning. */
  start(): void;
  /** Stops campaigning and, when leading, releases the lease so a standby takes over at once. */
  stop(): Promise<void>;
}

/** Shared by implementations: listener bookkeeping and the term signal. */
export class LeadershipState {
  #leading = false;
  #listeners = new Set<(leading: boolean) => void>();
  #term: AbortController;

  constructor() {
    this.#term = new AbortController();
    this.#term.abort(new Error('not leading'));
  }

  get leading(): boolean {
    return this.#leading;
  }

  subscribe(listener: (leading: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  signal(): AbortSignal {
    return this.#term.signal;
  }

  /** Sets the state; listeners are called only on a change. */
  set(leading: boolean, onError: (err: unknown) => void): void {
    if (leading === this.#leading) return;
    this.#leading = leading;
    if (leading) this.#term = new AbortController();
    else this.#term.abort(new Error('leadership lost'));
    for (const l of [...this.#listeners]) {
      try {
        l(leading);
      } catch (err) {
        onError(err);
      }
    }
  }
}
