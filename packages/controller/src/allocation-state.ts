// The controller's side of the allocator: the ipam Allocator plus what the controller knows
// about Services the allocator does not hold. Pure (no I/O, no timers).
//
// - Claims: a Service whose status shows addresses the allocator refused to hold. `contested`
//   (another Service created earlier holds them and cannot share: it must move) or `orphan`
//   (no pool that admits the Service covers them any more: it keeps them unless the policy
//   says to reallocate).
// - Reservations: an orphan's address that is still inside a pool (the pool's scope changed,
//   or the Service's labels did) would be free for others in the allocator; it is added to
//   every pool's reservedAddresses so nobody else gets it while the orphan shows it.
// - Waiting: Services whose last allocation failed, oldest first; woken a few at a time when
//   addresses are freed, all of them when the pools change (no pass over every Service).
import { AllocationReason, Allocator } from '@ironlb/ipam';
import type {
  Allocation,
  AllocationRequest,
  Effect,
  ExistingAllocation,
  Pool,
  ServiceInfo,
} from '@ironlb/ipam';

export type OrphanPolicy = 'keep' | 'reallocate';

export interface Claim {
  readonly kind: 'contested' | 'orphan';
  readonly ips: readonly string[];
  /** The pool the addresses came from, when known. */
  readonly pool?: string;
  readonly reason: string;
  readonly detail: string;
  /** Scope inputs when the claim was made, to notice label changes. */
  readonly scopeKey?: string;
  /** An orphan whose request for other addresses was refused: why. */
  readonly refused?: { readonly reason: string; readonly detail: string };
}

export interface Waiting {
  readonly reason: string;
  readonly detail: string;
}

const conflictReasons: ReadonlySet<string> = new Set([
  AllocationReason.ipInUse,
  AllocationReason.sharingConflict,
]);
const scopeReasons: ReadonlySet<string> = new Set([
  AllocationReason.poolNotAllowedForNamespace,
  AllocationReason.poolNotAllowedForService,
]);

export function isConflictReason(reason: string): boolean {
  return conflictReasons.has(reason);
}

export function isScopeReason(reason: string): boolean {
  return scopeReasons.has(reason);
}

/** The inputs of a Service that scope decisions depend on, as one comparable string. */
export function scopeKeyOf(info: ServiceInfo): string {
  const labels = (l: Readonly<Record<string, string>> | undefined) =>
    Object.entries(l ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  return `${info.namespace}|${labels(info.namespaceLabels)}|${labels(info.serviceLabels)}`;
}

export class AllocationState {
  readonly allocator = new Allocator();
  readonly policy: OrphanPolicy;
  readonly claims = new Map<string, Claim>();
  /** Insertion order is the wake order: oldest first. */
  readonly waiting = new Map<string, Waiting>();
  /** Services whose status has been taken into account (restored or decided) in this term. */
  readonly known = new Set<string>();
  /** Reserved address -> the orphan showing it. */
  readonly #reserved = new Map<string, string>();
  #base: readonly Pool[] = [];
  /** Reservations to drop at the next `flushReservations()` (dropping late is harmless). */
  #unreserveLater = false;
  /** Keys whose allocation or claim changed as a side effect, since the last `takeAffected()`. */
  readonly #affected = new Set<string>();
  /** Bumped whenever counters may have changed. */
  countersVersion = 0;

  constructor(options: { policy?: OrphanPolicy } = {}) {
    this.policy = options.policy ?? 'keep';
  }

  /** Keys to reprocess because of side effects, and forgets them. */
  takeAffected(): string[] {
    const out = [...this.#affected];
    this.#affected.clear();
    return out;
  }

  markAffected(key: string): void {
    this.#affected.add(key);
  }

  reservedAddresses(): string[] {
    return [...this.#reserved.keys()];
  }

  /**
   * Replaces the pool set: claims the new pools honour are reinstated, allocations they no
   * longer honour become claims. Returns false (nothing changes) when the allocator refuses the
   * set, which validated configuration never produces.
   */
  setPools(pools: readonly Pool[]): { ok: true } | { ok: false; reason: string; detail: string } {
    const formerPool = new Map(this.allocator.allocations().map((a) => [a.serviceKey, a.pool]));
    // Phase 1 without reservations, so that orphans the new pools admit come back.
    const r = this.allocator.setPools(pools);
    if (!r.ok) return r;
    this.#base = pools;
    this.#reserved.clear();
    this.#unreserveLater = false;
    this.countersVersion++;
    for (const m of r.remapped) this.#affected.add(m.serviceKey);
    for (const a of r.reinstated) this.#reinstated(a);
    for (const d of r.orphaned) {
      this.#claim(d.serviceKey, {
        kind: isConflictReason(d.reason) ? 'contested' : 'orphan',
        ips: d.ips.map(String),
        pool: formerPool.get(d.serviceKey),
        reason: d.reason,
        detail: d.detail,
      });
    }
    // Phase 2: reserve what scope orphans show.
    this.#reserveOrphans();
    return { ok: true };
  }

  /** Re-registers what a Service's status shows (restart, or first sight of a marked Service). */
  restore(existing: ExistingAllocation & { pool?: string }, scopeKey: string): void {
    this.known.add(existing.serviceKey);
    const { pool, ...claim } = existing;
    const r = this.allocator.assign(claim);
    this.#absorb(r.effects);
    this.countersVersion++;
    if (r.ok) {
      this.claims.delete(existing.serviceKey);
      return;
    }
    this.#claim(existing.serviceKey, {
      kind: isConflictReason(r.reason) ? 'contested' : 'orphan',
      ips: existing.ips,
      ...(pool !== undefined ? { pool } : {}),
      reason: r.reason,
      detail: r.detail,
      scopeKey,
    });
  }

  /** After restoring a batch: reserves the addresses scope orphans show (one pool replacement). */
  finishRestore(): void {
    this.#reserveOrphans();
  }

  /** Allocates; the allocator drops the Service's pending claim either way, so the claim goes too. */
  allocate(request: AllocationRequest): ReturnType<Allocator['allocate']> {
    const r = this.allocator.allocate(request);
    this.#dropClaim(request.serviceKey);
    this.#absorb(r.effects);
    this.countersVersion++;
    if (r.ok) this.waiting.delete(request.serviceKey);
    return r;
  }

  /** Re-registers addresses a Service held a moment ago (after a refused change). */
  reassign(existing: ExistingAllocation): ReturnType<Allocator['assign']> {
    const r = this.allocator.assign(existing);
    this.#absorb(r.effects);
    this.countersVersion++;
    return r;
  }

  /** Forgets the Service: releases its addresses and claim. Returns whether addresses were freed. */
  forget(key: string): boolean {
    const r = this.allocator.release(key);
    this.#absorb(r.effects);
    this.#dropClaim(key);
    this.waiting.delete(key);
    this.known.delete(key);
    if (r.released.length > 0) this.countersVersion++;
    return r.freed.length > 0;
  }

  allocation(key: string): Allocation | undefined {
    return this.allocator.allocation(key);
  }

  /** Records a Service as orphan with the given addresses (it keeps them; reserved if needed). */
  orphan(key: string, claim: Omit<Claim, 'kind'>): void {
    this.#claim(key, { kind: 'orphan', ...claim });
    if (isScopeReason(claim.reason)) this.#reserveOrphans();
  }

  /** Drops an orphan claim so that it can be re-evaluated (its reservation is lifted at once). */
  liftOrphan(key: string): void {
    const claim = this.claims.get(key);
    if (!claim) return;
    this.claims.delete(key);
    this.allocator.release(key);
    let lifted = false;
    for (const ip of claim.ips)
      if (this.#reserved.get(ip) === key) {
        this.#reserved.delete(ip);
        lifted = true;
      }
    if (lifted) this.#applyPools();
  }

  /** Records a failed allocation; a Service already waiting keeps its place in line. */
  setWaiting(key: string, why: Waiting): void {
    this.waiting.set(key, why);
  }

  /** Up to `n` waiting Services, oldest first; they go to the back of the line. */
  wake(n: number): string[] {
    const out: string[] = [];
    for (const key of this.waiting.keys()) {
      if (out.length >= n) break;
      out.push(key);
    }
    for (const key of out) {
      const why = this.waiting.get(key)!;
      this.waiting.delete(key);
      this.waiting.set(key, why);
    }
    return out;
  }

  /** Applies reservation drops deferred by `forget`; returns whether anything changed. */
  flushReservations(): boolean {
    if (!this.#unreserveLater) return false;
    this.#unreserveLater = false;
    let changed = false;
    for (const [ip, key] of this.#reserved) {
      const claim = this.claims.get(key);
      if (claim?.kind === 'orphan' && claim.ips.includes(ip)) continue;
      this.#reserved.delete(ip);
      changed = true;
    }
    if (changed) this.#applyPools();
    return changed;
  }

  #claim(key: string, claim: Claim): void {
    this.claims.set(key, claim);
    this.waiting.delete(key);
    this.#affected.add(key);
  }

  #dropClaim(key: string): void {
    const claim = this.claims.get(key);
    if (!claim) return;
    this.claims.delete(key);
    if (claim.ips.some((ip) => this.#reserved.get(ip) === key)) this.#unreserveLater = true;
  }

  #reinstated(a: Allocation): void {
    this.#dropClaim(a.serviceKey);
    this.waiting.delete(a.serviceKey);
    this.#affected.add(a.serviceKey);
  }

  #absorb(effects: readonly Effect[]): void {
    for (const e of effects) {
      if (e.kind === 'reinstated') this.#reinstated(e.allocation);
      else
        this.#claim(e.serviceKey, {
          kind: 'contested',
          ips: e.ips.map(String),
          reason: e.reason,
          detail: e.detail,
        });
    }
  }

  /** Reserves the unheld addresses of scope orphans; replaces the pool set when that changes anything. */
  #reserveOrphans(): void {
    const wanted: [string, string][] = [];
    for (const [key, claim] of this.claims)
      if (claim.kind === 'orphan' && isScopeReason(claim.reason))
        for (const ip of claim.ips) if (!this.#reserved.has(ip)) wanted.push([ip, key]);
    if (wanted.length === 0) return;
    const held = new Set(this.allocator.allocations().flatMap((a) => a.ips.map(String)));
    let added = false;
    for (const [ip, key] of wanted)
      if (!held.has(ip)) {
        this.#reserved.set(ip, key);
        added = true;
      }
    if (added) this.#applyPools();
  }

  /** The configured pools plus reservations, given to the allocator. */
  #applyPools(): void {
    const extra = [...this.#reserved.keys()];
    const pools = this.#base.map((p) =>
      extra.length === 0 ? p : { ...p, reservedAddresses: [...(p.reservedAddresses ?? []), ...extra] },
    );
    const r = this.allocator.setPools(pools);
    this.countersVersion++;
    if (!r.ok) throw new Error(`ipam refused the pools with reservations (bug): ${r.reason}: ${r.detail}`);
    for (const m of r.remapped) this.#affected.add(m.serviceKey);
    for (const a of r.reinstated) this.#reinstated(a);
    for (const d of r.orphaned)
      this.#claim(d.serviceKey, {
        kind: isConflictReason(d.reason) ? 'contested' : 'orphan',
        ips: d.ips.map(String),
        reason: d.reason,
        detail: d.detail,
      });
  }
}
