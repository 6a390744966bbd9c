// The free-address state of one pool and one family, in ordinal space (see ordinal-map.ts).
//
// Choice order for a new address (deterministic for the same history):
//   1. never used: the first ordinal at or after the cursor that is not held;
//   2. released so long ago that it was forgotten (see below): the first ordinal not held;
//   3. released: the oldest release first (FIFO), so a just-released address comes back last.
// `held` holds every ordinal that is allocated or remembered as released. Remembered releases
// are capped at max(minReleaseMemory, allocated): beyond that the oldest release is forgotten
// (dropped from `held`), so memory grows with allocations, not with churn or pool size.
// Every operation is O(log runs of held) or amortised O(1).
import type { IPAddress } from '@ironlb/netaddr';
import { IntervalSet } from './interval-set.js';
import type { OrdinalMap } from './ordinal-map.js';

/** Default floor of the release memory per pool and family. */
export const defaultReleaseMemory = 4096;

export class FamilySpace {
  readonly map: OrdinalMap;
  readonly #minReleaseMemory: number;
  readonly #held = new IntervalSet();
  #cursor = 0n;
  #allocated = 0;
  /** ordinal -> sequence number of its latest release, for released (free) ordinals still remembered. */
  readonly #released = new Map<bigint, number>();
  #queue: bigint[] = [];
  #queueSeq: number[] = [];
  #head = 0;
  #seq = 0;

  constructor(map: OrdinalMap, minReleaseMemory = defaultReleaseMemory) {
    this.map = map;
    this.#minReleaseMemory = minReleaseMemory;
  }

  /** Usable addresses in the space. */
  get size(): bigint {
    return this.map.size;
  }

  /** Allocated addresses (each counted once, however many services share it). */
  get allocated(): number {
    return this.#allocated;
  }

  get available(): bigint {
    return this.map.size - BigInt(this.#allocated);
  }

  /** Remembered released addresses (for tests and memory figures). */
  get rememberedReleases(): number {
    return this.#released.size;
  }

  /** The ordinal a new allocation would get, or `undefined` when every address is allocated. */
  peekFree(): bigint | undefined {
    const size = this.map.size;
    if (this.#cursor < size) {
      this.#cursor = this.#held.firstGapFrom(this.#cursor); // everything before it is held
      if (this.#cursor < size) return this.#cursor;
    }
    const forgotten = this.#held.firstGapFrom(0n);
    if (forgotten < size) return forgotten;
    return this.#oldestReleased();
  }

  /** Marks a free ordinal allocated. */
  take(ordinal: bigint): void {
    if (!this.#released.delete(ordinal)) {
      if (this.#held.has(ordinal)) throw new Error(`ordinal ${ordinal} is already allocated`);
      this.#held.add(ordinal);
    }
    this.#allocated++;
  }

  /** Marks an allocated ordinal free again, remembering when. */
  release(ordinal: bigint): void {
    this.#allocated--;
    this.#seq++;
    this.#released.set(ordinal, this.#seq);
    this.#queue.push(ordinal);
    this.#queueSeq.push(this.#seq);
    const limit = Math.max(this.#minReleaseMemory, this.#allocated);
    while (this.#released.size > limit) {
      const oldest = this.#oldestReleased()!;
      this.#released.delete(oldest);
      this.#held.delete(oldest);
    }
    // Entries made stale by re-allocation are dropped in bulk, so the queue stays within a
    // constant factor of the remembered releases.
    if (this.#queue.length - this.#head > 2 * this.#released.size + 1024) {
      const order = this.#releaseOrder();
      this.#queue = order;
      this.#queueSeq = order.map((ordinal) => this.#released.get(ordinal)!);
      this.#head = 0;
    }
  }

  /**
   * Copies the reuse history of `previous` (same pool, possibly redefined) into this empty
   * space: released addresses still usable keep their order; the cursor is kept when the
   * numbering is unchanged. Call before re-taking allocations.
   */
  inheritHistory(previous: FamilySpace): void {
    if (previous.map.signature === this.map.signature) this.#cursor = previous.#cursor;
    for (const ordinal of previous.#releaseOrder()) {
      const mapped = this.map.ordinalOf(previous.map.addressOf(ordinal).value);
      if (mapped === undefined || this.#held.has(mapped)) continue;
      this.#held.add(mapped);
      this.#seq++;
      this.#released.set(mapped, this.#seq);
      this.#queue.push(mapped);
      this.#queueSeq.push(this.#seq);
    }
  }

  addressOf(ordinal: bigint): IPAddress {
    return this.map.addressOf(ordinal);
  }

  /** The oldest remembered release, dropping stale queue entries on the way. */
  #oldestReleased(): bigint | undefined {
    while (this.#head < this.#queue.length) {
      const ordinal = this.#queue[this.#head]!;
      if (this.#released.get(ordinal) === this.#queueSeq[this.#head]) return ordinal;
      this.#head++;
      if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#queueSeq = this.#queueSeq.slice(this.#head);
        this.#head = 0;
      }
    }
    return undefined;
  }

  /** Remembered released ordinals, oldest first. */
  #releaseOrder(): bigint[] {
    const order: bigint[] = [];
    for (let i = this.#head; i < this.#queue.length; i++) {
      const ordinal = this.#queue[i]!;
      if (this.#released.get(ordinal) === this.#queueSeq[i]) order.push(ordinal);
    }
    return order;
  }
}
