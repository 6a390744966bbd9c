// Fault injection for tests: drop every watch, answer the next watches with 410, compact the
// event history, add latency, fail a fraction of writes with 500 or 429, reset connections,
// pause the whole API. Driven programmatically (`emulator.faults`) or over HTTP
// (`/__emu/faults`, see admin-handler.ts).
import { seededRandom } from './kobject.js';
import type { Store } from './store/store.js';

export interface WriteFailure {
  /** Probability in [0, 1] that a write fails. */
  fraction: number;
  code: 500 | 429;
  /** Stop after this many injected failures (unlimited when omitted). */
  count?: number;
}

export interface FaultState {
  latencyMs: number;
  failWrites: WriteFailure | null;
  goneOnNextWatches: number;
  resetNextRequests: number;
  paused: boolean;
}

export class Faults {
  latencyMs = 0;
  failWrites: WriteFailure | null = null;
  goneOnNextWatches = 0;
  resetNextRequests = 0;
  private waiters: (() => void)[] = [];
  private pausedFlag = false;
  private exemptAdmin = false;
  private readonly random: () => number;

  constructor(
    private readonly store: Store,
    seed = 1,
  ) {
    this.random = seededRandom(seed);
  }

  /** Closes every open watch stream cleanly; clients re-watch from their last RV. */
  dropWatches(): void {
    this.store.dropAllWatches();
  }

  /** Forgets the event history: any watch from an older RV now gets 410 Expired. */
  compact(): void {
    this.store.compactAll();
  }

  /** The next `n` watch requests get an ERROR 410 event and a closed stream. */
  goneOnNextWatch(n = 1): void {
    this.goneOnNextWatches += n;
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  failWritesWith(f: WriteFailure | null): void {
    this.failWrites = f;
  }

  resetNext(n = 1): void {
    this.resetNextRequests += n;
  }

  /** Holds requests until resume(); with `exemptAdmin`, admin-token requests still pass. */
  pause(opts: { exemptAdmin?: boolean } = {}): void {
    this.pausedFlag = true;
    this.exemptAdmin = opts.exemptAdmin ?? false;
  }

  resume(): void {
    this.pausedFlag = false;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Clears every fault and resumes. */
  reset(): void {
    this.latencyMs = 0;
    this.failWrites = null;
    this.goneOnNextWatches = 0;
    this.resetNextRequests = 0;
    this.resume();
  }

  state(): FaultState {
    return {
      latencyMs: this.latencyMs,
      failWrites: this.failWrites,
      goneOnNextWatches: this.goneOnNextWatches,
      resetNextRequests: this.resetNextRequests,
      paused: this.pausedFlag,
    };
  }

  /** Waits while paused (unless exempt), then for the configured latency; undefined when there is nothing to wait for. */
  gate(isAdmin = false): Promise<void> | undefined {
    if (!this.pausedFlag && this.latencyMs === 0) return undefined;
    return this.slowGate(isAdmin);
  }

  private async slowGate(isAdmin: boolean): Promise<void> {
    while (this.pausedFlag && !(isAdmin && this.exemptAdmin))
      await new Promise<void>((r) => this.waiters.push(r));
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
  }

  /** Takes one pending "gone" for a watch request. */
  takeGone(): boolean {
    if (this.goneOnNextWatches <= 0) return false;
    this.goneOnNextWatches--;
    return true;
  }

  takeReset(): boolean {
    if (this.resetNextRequests <= 0) return false;
    this.resetNextRequests--;
    return true;
  }

  /** Decides whether this write fails, and with which code. */
  writeFailure(): 500 | 429 | undefined {
    const f = this.failWrites;
    if (!f || this.random() >= f.fraction) return undefined;
    if (f.count !== undefined) {
      if (f.count <= 0) return undefined;
      f.count--;
    }
    return f.code;
  }
}
