// Persistence for the lab (`--data-dir`): the whole store as one JSON snapshot, written a
// moment after each burst of writes and on close, plus an RV reservation written
// synchronously ahead of use, so that a restarted emulator never hands out a
// resourceVersion at or below one it handed out before, even after a crash (§6.1).
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { UserInfo } from '../auth/authn.js';
import type { KObject } from '../kobject.js';
import type { Store } from './store.js';

const RESERVE_STEP = 10_000;

export interface PersistedState {
  version: 1;
  rv: number;
  buckets: Record<string, KObject[]>;
  tokens: [string, UserInfo][];
}

export function loadState(dir: string): { state: PersistedState | undefined; reservedRv: number } {
  mkdirSync(dir, { recursive: true });
  const statePath = join(dir, 'state.json');
  const state = existsSync(statePath)
    ? (JSON.parse(readFileSync(statePath, 'utf8')) as PersistedState)
    : undefined;
  const resPath = join(dir, 'rv-reservation');
  const reservedRv = existsSync(resPath) ? Number(readFileSync(resPath, 'utf8').trim()) || 0 : 0;
  return { state, reservedRv };
}

export class Persistence {
  private timer: NodeJS.Timeout | undefined;
  private reserved = 0;
  private dirty = false;

  constructor(
    private readonly dir: string,
    private readonly store: Store,
    private readonly tokens: () => [string, UserInfo][],
    private readonly delayMs = 200,
  ) {}

  /** Reserves RVs ahead of the counter and starts saving after writes. */
  attach(): void {
    this.reserve();
    this.store.onCommit(() => {
      if (this.store.rv >= this.reserved) this.reserve();
      this.dirty = true;
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.save();
        }, this.delayMs);
        this.timer.unref();
      }
    });
  }

  private reserve(): void {
    this.reserved = this.store.rv + RESERVE_STEP;
    writeFileSync(join(this.dir, 'rv-reservation'), `${this.reserved}\n`);
  }

  /** Writes the snapshot now (atomically: temp file, then rename). */
  save(): void {
    const buckets: Record<string, KObject[]> = {};
    for (const b of this.store.allBuckets()) if (b.objects.size) buckets[b.id] = [...b.objects.values()];
    const state: PersistedState = { version: 1, rv: this.store.rv, buckets, tokens: this.tokens() };
    const tmp = join(this.dir, 'state.json.tmp');
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, join(this.dir, 'state.json'));
    this.dirty = false;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.save();
    void this.dirty;
  }
}
