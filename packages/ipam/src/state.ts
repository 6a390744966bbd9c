// The allocator's mutable state and its primitive operations. Invariants:
// - an address is in `holdings` iff its ordinal is taken in its pool's FamilySpace;
// - every holder of a holding is pairwise compatible (sharing rules) and lists the holding;
// - `sharing` indexes the holdings whose holders carry a sharing key;
// - a service key is in at most one of `services` and `pending`.
import type { IPAddress, IPFamily } from '@ironlb/netaddr';
import type { FamilySpace } from './family-space.js';
import type { CompiledPool, PoolTable } from './pool-table.js';
import type { AllocationReason } from './reasons.js';
import type { NormalizedClaim, ServiceMeta } from './service-record.js';

export interface Holding {
  readonly ip: IPAddress;
  readonly pool: CompiledPool;
  readonly space: FamilySpace;
  readonly ordinal: bigint;
  readonly holders: ServiceRecord[];
}

export interface ServiceRecord {
  meta: ServiceMeta;
  readonly pool: CompiledPool;
  readonly holdings: Holding[];
}

/** How one address of a plan is obtained: a free ordinal of a space, or joining a holding. */
export type Pick =
  | { readonly kind: 'free'; readonly space: FamilySpace; readonly ordinal: bigint; readonly ip?: IPAddress }
  | { readonly kind: 'share'; readonly holding: Holding };

export interface Plan {
  readonly pool: CompiledPool;
  readonly picks: readonly Pick[];
}

/** A restored allocation that could not be honoured (yet): retried when its obstacle goes. */
export interface PendingClaim {
  readonly claim: NormalizedClaim;
  readonly reason: AllocationReason;
  readonly detail: string;
}

export class AllocatorState {
  table: PoolTable;
  readonly holdings: Record<IPFamily, Map<bigint, Holding>> = { 4: new Map(), 6: new Map() };
  readonly services = new Map<string, ServiceRecord>();
  /** sharing key -> holdings whose holders use it. */
  readonly sharing = new Map<string, Set<Holding>>();
  readonly pending = new Map<string, PendingClaim>();
  /** address -> keys of pending claims that name it. */
  readonly pendingByIP: Record<IPFamily, Map<bigint, Set<string>>> = { 4: new Map(), 6: new Map() };

  constructor(table: PoolTable) {
    this.table = table;
  }

  holdingOf(ip: IPAddress): Holding | undefined {
    return this.holdings[ip.family].get(ip.value);
  }

  /** Registers a service on the plan's addresses. The plan must be valid against the current state. */
  commit(meta: ServiceMeta, plan: Plan): ServiceRecord {
    const record: ServiceRecord = { meta, pool: plan.pool, holdings: [] };
    for (const pick of plan.picks) this.#place(record, pick);
    this.services.set(meta.serviceKey, record);
    return record;
  }

  /** Removes a service's allocation; returns every address it held (freed or still shared). */
  remove(serviceKey: string): Holding[] {
    const record = this.services.get(serviceKey);
    if (!record) return [];
    this.services.delete(serviceKey);
    for (const holding of record.holdings) this.#leave(holding, record);
    return record.holdings;
  }

  /** Removes one address from a service's allocation (dual-stack shrinking to single-stack). */
  removeHolding(record: ServiceRecord, holding: Holding): void {
    const index = record.holdings.indexOf(holding);
    if (index >= 0) record.holdings.splice(index, 1);
    this.#leave(holding, record);
  }

  /** Adds a free or shared address to an existing record (single-stack growing to dual-stack). */
  extend(record: ServiceRecord, pick: Pick): void {
    this.#place(record, pick);
  }

  /** Replaces a record's metadata; the caller has checked it against every co-holder. */
  updateMeta(record: ServiceRecord, meta: ServiceMeta): void {
    const before = record.meta.sharingKey;
    record.meta = meta;
    if (before === meta.sharingKey) return;
    for (const holding of record.holdings) {
      if (before !== undefined) this.#unindex(before, holding);
      if (meta.sharingKey !== undefined) this.#index(meta.sharingKey, holding);
    }
  }

  addPending(pending: PendingClaim): void {
    this.removePending(pending.claim.meta.serviceKey);
    this.pending.set(pending.claim.meta.serviceKey, pending);
    for (const ip of pending.claim.ips) {
      const map = this.pendingByIP[ip.family];
      let keys = map.get(ip.value);
      if (!keys) map.set(ip.value, (keys = new Set()));
      keys.add(pending.claim.meta.serviceKey);
    }
  }

  removePending(serviceKey: string): PendingClaim | undefined {
    const pending = this.pending.get(serviceKey);
    if (!pending) return undefined;
    this.pending.delete(serviceKey);
    for (const ip of pending.claim.ips) {
      const map = this.pendingByIP[ip.family];
      const keys = map.get(ip.value);
      keys?.delete(serviceKey);
      if (keys?.size === 0) map.delete(ip.value);
    }
    return pending;
  }

  /** Pending claims that name `ip`. */
  pendingOn(ip: IPAddress): PendingClaim[] {
    const keys = this.pendingByIP[ip.family].get(ip.value);
    return keys ? [...keys].map((key) => this.pending.get(key)!) : [];
  }

  #place(record: ServiceRecord, pick: Pick): void {
    if (pick.kind === 'share') {
      pick.holding.holders.push(record);
      record.holdings.push(pick.holding);
      return;
    }
    pick.space.take(pick.ordinal);
    const holding: Holding = {
      ip: pick.ip ?? pick.space.addressOf(pick.ordinal),
      pool: record.pool,
      space: pick.space,
      ordinal: pick.ordinal,
      holders: [record],
    };
    this.holdings[holding.ip.family].set(holding.ip.value, holding);
    if (record.meta.sharingKey !== undefined) this.#index(record.meta.sharingKey, holding);
    record.holdings.push(holding);
  }

  #leave(holding: Holding, record: ServiceRecord): void {
    const index = holding.holders.indexOf(record);
    if (index >= 0) holding.holders.splice(index, 1);
    if (holding.holders.length > 0) return;
    this.holdings[holding.ip.family].delete(holding.ip.value);
    holding.space.release(holding.ordinal);
    if (record.meta.sharingKey !== undefined) this.#unindex(record.meta.sharingKey, holding);
  }

  #index(key: string, holding: Holding): void {
    let set = this.sharing.get(key);
    if (!set) this.sharing.set(key, (set = new Set()));
    set.add(holding);
  }

  #unindex(key: string, holding: Holding): void {
    const set = this.sharing.get(key);
    set?.delete(holding);
    if (set?.size === 0) this.sharing.delete(key);
  }
}
