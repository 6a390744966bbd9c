// The allocator: the public operations over AllocatorState. Every operation either succeeds or
// returns a Failure value; none throws for bad input. Effects on *other* Services (an older
// restored claim displacing a newer holder, a pending claim reinstated when its obstacle goes)
// are returned in `effects`, so the controller can reprocess exactly those Services.
import type { IPAddress } from '@ironlb/netaddr';
import { checkScope, compilePools, type PoolTable } from './pool-table.js';
import {
  type AddressCheck,
  type Conflict,
  checkAddresses,
  holdersFailure,
  pickInPool,
  planAddresses,
  planAuto,
  planFromPool,
} from './placement.js';
import { AllocationReason, type Failure, type PoolSetReason, fail } from './reasons.js';
import {
  compareAge,
  type NormalizedClaim,
  type NormalizedRequest,
  normalizeClaim,
  normalizeRequest,
  sameMeta,
} from './service-record.js';
import { AllocatorState, type Holding, type Plan, type ServiceRecord } from './state.js';
import type {
  Allocation,
  AllocationRequest,
  Displaced,
  ExistingAllocation,
  Pool,
  PoolCounters,
} from './types.js';

/** A change to another Service caused by an operation. */
export type Effect =
  | ({ readonly kind: 'displaced' } & Displaced)
  | { readonly kind: 'reinstated'; readonly allocation: Allocation };

export type AllocateResult = (
  { readonly ok: true; readonly allocation: Allocation; readonly changed: boolean } | Failure
) & { readonly effects: readonly Effect[] };

/** Same shape as AllocateResult; a refused claim stays pending (see `pending()`). */
export type AssignResult = AllocateResult;

export interface ReleaseResult {
  /** Addresses the Service held. */
  readonly released: readonly IPAddress[];
  /** Those of them no Service holds any more (after pending claims were retried). */
  readonly freed: readonly IPAddress[];
  readonly effects: readonly Effect[];
}

export interface Remapped {
  readonly serviceKey: string;
  readonly from: string;
  readonly to: string;
}

export type SetPoolsResult =
  | {
      readonly ok: true;
      /** Allocations now in a pool of another name (the pool was renamed or split). */
      readonly remapped: readonly Remapped[];
      /** Allocations the new pools no longer honour; kept as pending claims, not dropped. */
      readonly orphaned: readonly Displaced[];
      /** Pending claims the new pools honour. */
      readonly reinstated: readonly Allocation[];
    }
  | Failure<PoolSetReason>;

/** A claim the allocator could not honour and keeps retrying: contested, or outside every pool. */
export interface PendingInfo extends Displaced {
  readonly pool: string | undefined;
}

export interface AllocatorOptions {
  readonly pools?: readonly Pool[];
  /** Minimum number of released addresses remembered per pool and family for reuse order (default 4096). */
  readonly releaseMemory?: number;
}

const emptyTable: PoolTable = { pools: new Map(), order: [], index: [] };

export class Allocator {
  #state = new AllocatorState(emptyTable);
  readonly #releaseMemory: number | undefined;

  /** Throws only when `options.pools` is invalid (use `setPools` to get a Failure instead). */
  constructor(options: AllocatorOptions = {}) {
    this.#releaseMemory = options.releaseMemory;
    if (options.pools) {
      const result = this.setPools(options.pools);
      if (!result.ok) throw new TypeError(`${result.reason}: ${result.detail}`);
    }
  }

  /**
   * Replaces the pool set. Every allocation and pending claim is re-mapped to the pool that
   * now holds its addresses, oldest Service first; those that no longer fit become pending
   * claims and are reported as `orphaned`. The reuse history of unchanged pools is kept.
   */
  setPools(pools: readonly Pool[]): SetPoolsResult {
    const compiled = compilePools(pools, this.#releaseMemory);
    if (!compiled.ok) return compiled;
    const old = this.#state;
    const next = new AllocatorState(compiled.table);
    for (const pool of compiled.table.pools.values()) {
      for (const [family, space] of pool.spaces) {
        const previous = old.table.pools.get(pool.name)?.spaces.get(family);
        if (previous) space.inheritHistory(previous);
      }
    }
    const claims = [
      ...[...old.services.values()].map((record) => ({
        claim: claimOf(record),
        was: record.pool.name as string | undefined,
      })),
      ...[...old.pending.values()].map((pending) => ({ claim: pending.claim, was: undefined })),
    ].sort((a, b) => compareAge(a.claim.meta, b.claim.meta));
    this.#state = next;
    const remapped: Remapped[] = [];
    const orphaned: Displaced[] = [];
    const reinstated: Allocation[] = [];
    for (const { claim, was } of claims) {
      const outcome = this.#evaluate(claim);
      if ('ok' in outcome) {
        next.addPending({ claim, reason: outcome.reason, detail: outcome.detail });
        if (was !== undefined) orphaned.push(displaced(claim, outcome));
        continue;
      }
      const record = next.commit(claim.meta, planAddresses(next, outcome.pool, claim.ips));
      if (was === undefined) reinstated.push(toAllocation(record));
      else if (was !== record.pool.name)
        remapped.push({ serviceKey: claim.meta.serviceKey, from: was, to: record.pool.name });
    }
    const byKey = (a: { serviceKey: string }, b: { serviceKey: string }) =>
      compareKeys(a.serviceKey, b.serviceKey);
    return {
      ok: true,
      remapped: remapped.sort(byKey),
      orphaned: orphaned.sort(byKey),
      reinstated: reinstated.sort(byKey),
    };
  }

  /**
   * Gives a Service addresses: the requested ones, or from the named pool, or from the first
   * suitable pool. A Service that already holds an allocation fitting the request keeps it
   * (`changed: false`, or `true` when it only grew, shrank or changed its sharing data);
   * otherwise its old allocation is released first, as MetalLB does.
   */
  allocate(request: AllocationRequest): AllocateResult {
    const normalized = normalizeRequest(request);
    if ('ok' in normalized) return { ...normalized, effects: [] };
    const state = this.#state;
    const key = normalized.meta.serviceKey;
    state.removePending(key);
    const effects: Effect[] = [];
    const current = state.services.get(key);
    if (current) {
      const kept = this.#keep(current, normalized, effects);
      if (kept) return { ok: true, allocation: toAllocation(current), changed: kept.changed, effects };
    }
    const touched = state.remove(key);
    const plan = this.#plan(normalized);
    if ('ok' in plan) {
      this.#retry(touched, effects);
      return { ...plan, effects };
    }
    const record = state.commit(normalized.meta, plan);
    this.#retry(touched, effects);
    return { ok: true, allocation: toAllocation(record), changed: true, effects };
  }

  /**
   * Re-registers an allocation read back from a Service (controller restart, or re-validation).
   * Idempotent. When Services claim one address incompatibly, the one created first keeps it:
   * a newer holder is displaced (reported in `effects`), a newer claimant is refused. Refused
   * claims stay pending and are retried when what blocks them goes away, so restoring a set of
   * allocations in any order ends in the same state.
   */
  assign(existing: ExistingAllocation): AssignResult {
    const claim = normalizeClaim(existing);
    if ('ok' in claim) return { ...claim, effects: [] };
    const state = this.#state;
    const effects: Effect[] = [];
    const current = state.services.get(claim.meta.serviceKey);
    if (
      current &&
      (claim.pool === undefined || claim.pool === current.pool.name) &&
      current.holdings.length === claim.ips.length &&
      current.holdings.every((holding, i) => holding.ip.equals(claim.ips[i]!)) &&
      sameMeta(current.meta, claim.meta)
    ) {
      return { ok: true, allocation: toAllocation(current), changed: false, effects };
    }
    const outcome = this.#evaluate(claim);
    if ('ok' in outcome) {
      const touched = state.remove(claim.meta.serviceKey);
      state.addPending({ claim, reason: outcome.reason, detail: outcome.detail });
      this.#retry(touched, effects);
      return { ...outcome, effects };
    }
    const record = this.#accept(claim, outcome, effects);
    return { ok: true, allocation: toAllocation(record), changed: true, effects };
  }

  /** Releases whatever the Service holds and forgets its pending claim. Idempotent. */
  release(serviceKey: string): ReleaseResult {
    const state = this.#state;
    state.removePending(serviceKey);
    const touched = state.remove(serviceKey);
    const effects: Effect[] = [];
    this.#retry(touched, effects);
    const freed = touched.filter((holding) => !state.holdingOf(holding.ip)).map((holding) => holding.ip);
    return { released: touched.map((holding) => holding.ip), freed, effects };
  }

  /** The Service's allocation, if it holds one. */
  allocation(serviceKey: string): Allocation | undefined {
    const record = this.#state.services.get(serviceKey);
    return record && toAllocation(record);
  }

  /** Every allocation, by service key. */
  allocations(): Allocation[] {
    return [...this.#state.services.values()]
      .map(toAllocation)
      .sort((a, b) => compareKeys(a.serviceKey, b.serviceKey));
  }

  /** Every pending claim, by service key, with the reason it cannot be honoured now. */
  pending(): PendingInfo[] {
    return [...this.#state.pending.values()]
      .map((p) => {
        const now = this.#evaluate(p.claim);
        return { ...displaced(p.claim, 'ok' in now ? now : p), pool: p.claim.pool };
      })
      .sort((a, b) => compareKeys(a.serviceKey, b.serviceKey));
  }

  /** Pool names in the order automatic allocation tries them. */
  poolOrder(): string[] {
    return this.#state.table.order.map((pool) => pool.name);
  }

  /** Assigned and available addresses per family, exact; `undefined` for an unknown pool. */
  counters(poolName: string): PoolCounters | undefined {
    const pool = this.#state.table.pools.get(poolName);
    if (!pool) return undefined;
    const family = (f: 4 | 6) => {
      const space = pool.spaces.get(f);
      return space
        ? { assigned: BigInt(space.allocated), available: space.available }
        : { assigned: 0n, available: 0n };
    };
    return { ipv4: family(4), ipv6: family(6) };
  }

  /** Counters of every pool, by pool name. */
  allCounters(): Record<string, PoolCounters> {
    const out: Record<string, PoolCounters> = {};
    for (const name of [...this.#state.table.pools.keys()].sort(compareKeys))
      out[name] = this.counters(name)!;
    return out;
  }

  #plan(request: NormalizedRequest): Plan | Failure {
    const state = this.#state;
    if (request.requestedIPs.length > 0) {
      const check = checkAddresses(state, request.meta, request.requestedIPs, request.pool);
      if ('ok' in check) return check;
      if (check.conflicts.length > 0) return check.conflicts[0]!.failure;
      return planAddresses(state, check.pool, request.requestedIPs);
    }
    return request.pool !== undefined ? planFromPool(state, request, request.pool) : planAuto(state, request);
  }

  /** Keeps (and adjusts) a current allocation that still fits the request; `undefined` if it does not. */
  #keep(
    current: ServiceRecord,
    request: NormalizedRequest,
    effects: Effect[],
  ): { changed: boolean } | undefined {
    const state = this.#state;
    const meta = request.meta;
    if (checkScope(current.pool, meta)) return undefined;
    if (request.pool !== undefined && request.pool !== current.pool.name) return undefined;
    if (current.holdings.some((holding) => holdersFailure(holding, meta))) return undefined;
    const held = current.holdings.map((holding) => holding.ip);
    if (request.requestedIPs.length > 0) {
      const same =
        held.length === request.requestedIPs.length &&
        request.requestedIPs.every((ip) => held.some((h) => h.equals(ip)));
      if (!same) return undefined;
      const changed = !sameMeta(current.meta, meta);
      state.updateMeta(current, meta);
      if (changed) this.#retry(current.holdings, effects);
      return { changed };
    }
    const primary = request.primaryFamily;
    const hasPrimary = held.some((ip) => ip.family === primary);
    let drop: Holding | undefined;
    let grow: ReturnType<typeof pickInPool> | undefined;
    if (request.policy === 'SingleStack') {
      if (!hasPrimary) return undefined;
      drop = current.holdings.find((holding) => holding.ip.family !== primary);
    } else if (held.length === 1) {
      const missing = held[0]!.family === 4 ? 6 : 4;
      grow = current.pool.spaces.has(missing) ? pickInPool(state, current.pool, missing, meta) : undefined;
      if (request.policy === 'RequireDualStack' && (!grow || 'ok' in grow)) return undefined;
    }
    const metaChanged = !sameMeta(current.meta, meta);
    const reordered = current.holdings.length === 2 && current.holdings[0]!.ip.family !== primary;
    const changed = metaChanged || reordered || drop !== undefined || (grow !== undefined && !('ok' in grow));
    state.updateMeta(current, meta);
    if (drop) state.removeHolding(current, drop);
    if (grow && !('ok' in grow)) state.extend(current, grow);
    const reorder = current.holdings.length === 2 && current.holdings[0]!.ip.family !== primary;
    if (reorder) current.holdings.reverse(); // primary family first
    // A claim blocked by this Service's old sharing data may fit now; one on a dropped address too.
    if (metaChanged || drop) this.#retry(drop ? [...current.holdings, drop] : current.holdings, effects);
    return { changed };
  }

  /** Whether a claim can be honoured now: its addresses' pool, or the reason it cannot. */
  #evaluate(claim: NormalizedClaim): AddressCheck | Failure {
    const check = checkAddresses(this.#state, claim.meta, claim.ips, claim.pool);
    if ('ok' in check) return check;
    // The oldest blocker gives the reason, so the reason does not depend on arrival order.
    let older: Conflict | undefined;
    for (const conflict of check.conflicts) {
      if (compareAge(conflict.holder.meta, claim.meta) >= 0) continue;
      if (!older || compareAge(conflict.holder.meta, older.holder.meta) < 0) older = conflict;
    }
    if (older) {
      return fail(older.failure.reason, `${older.failure.detail} (created earlier, so it keeps the address)`);
    }
    return check;
  }

  /** Honours a claim: displaces newer conflicting holders, replaces the service's own allocation. */
  #accept(claim: NormalizedClaim, check: AddressCheck, effects: Effect[]): ServiceRecord {
    const state = this.#state;
    state.removePending(claim.meta.serviceKey);
    const touched = state.remove(claim.meta.serviceKey);
    const losers =
      check.conflicts.length === 0
        ? []
        : new Map(check.conflicts.map((conflict) => [conflict.holder.meta.serviceKey, conflict]));
    for (const [key, conflict] of losers) {
      const loser = claimOf(conflict.holder);
      touched.push(...state.remove(key));
      const reason = conflict.failure.reason;
      const detail =
        `${conflict.holding.ip.toString()} is claimed by ${claim.meta.serviceKey}, created earlier ` +
        `(${reason === AllocationReason.ipInUse ? 'not shareable' : 'sharing conflict'})`;
      state.addPending({ claim: loser, reason, detail });
      effects.push({ kind: 'displaced', ...displaced(loser, { reason, detail }) });
    }
    const record = state.commit(claim.meta, planAddresses(state, check.pool, claim.ips));
    this.#retry(touched, effects);
    return record;
  }

  /** Retries pending claims on addresses that lost a holder, oldest claim first, until quiet. */
  #retry(touched: readonly Holding[], effects: Effect[]): void {
    const state = this.#state;
    if (state.pending.size === 0) return;
    const work = touched.map((holding) => holding.ip);
    for (let steps = 0; work.length > 0; steps++) {
      if (steps > 1_000_000) throw new Error('ipam: pending-claim retry did not settle (bug)');
      const ip = work.shift()!;
      for (const pending of state.pendingOn(ip).sort((a, b) => compareAge(a.claim.meta, b.claim.meta))) {
        if (state.pending.get(pending.claim.meta.serviceKey) !== pending) continue;
        const outcome = this.#evaluate(pending.claim);
        if ('ok' in outcome) continue;
        const before = effects.length;
        const record = this.#accept(pending.claim, outcome, effects);
        for (const effect of effects.slice(before)) {
          if (effect.kind === 'displaced') work.push(...effect.ips);
        }
        effects.push({ kind: 'reinstated', allocation: toAllocation(record) });
      }
    }
  }
}

function claimOf(record: ServiceRecord): NormalizedClaim {
  return { meta: record.meta, ips: record.holdings.map((holding) => holding.ip), pool: undefined };
}

function toAllocation(record: ServiceRecord): Allocation {
  return {
    serviceKey: record.meta.serviceKey,
    pool: record.pool.name,
    ips: record.holdings.map((h) => h.ip),
  };
}

function displaced(claim: NormalizedClaim, why: { reason: string; detail: string }): Displaced {
  return { serviceKey: claim.meta.serviceKey, ips: claim.ips, reason: why.reason, detail: why.detail };
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
