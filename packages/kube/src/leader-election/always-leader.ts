// The elector of a single replica: it leads from start() until stop(). Used when leader
// election is off (`--leader-elect=false`) and in tests.
import type { LeaderElector } from './types.js';
import { LeadershipState } from './types.js';

export class AlwaysLeader implements LeaderElector {
  readonly identity: string;
  readonly #state = new LeadershipState();

  constructor(identity = 'always-leader') {
    this.identity = identity;
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
    this.#state.set(true, () => undefined);
  }

  async stop(): Promise<void> {
    this.#state.set(false, () => undefined);
  }
}
