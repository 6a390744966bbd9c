// A leader elector the test drives: leads on start() unless told otherwise, and can be made to
// gain or lose leadership at any moment.
import type { LeaderElector } from '../leader-election/types.js';
import { LeadershipState } from '../leader-election/types.js';

export class FakeLeaderElector implements LeaderElector {
  readonly identity: string;
  readonly #state = new LeadershipState();
  readonly #leadOnStart: boolean;
  started = false;
  stopCalls = 0;

  constructor(options: { identity?: string; leadOnStart?: boolean } = {}) {
    this.identity = options.identity ?? 'fake';
    this.#leadOnStart = options.leadOnStart ?? true;
  }

  isLeader(): boolean {
    return this.#state.leading;
  }

  onChange(listener: (leading: boolean) => void): () => void {
    return this.#state.subscribe(listener);
  }

  termSignal(): AbortSignal {
    return this.#state.signal();
  }

  start(): void {
    this.started = true;
    if (this.#leadOnStart) this.#state.set(true, rethrow);
  }

  async stop(): Promise<void> {
    this.stopCalls++;
    this.started = false;
    this.#state.set(false, rethrow);
  }

  /** Makes this replica gain (true) or lose (false) leadership now. */
  setLeader(leading: boolean): void {
    this.#state.set(leading, rethrow);
  }
}

function rethrow(err: unknown): never {
  throw err;
}
