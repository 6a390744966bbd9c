// Deciding one Service: from what it asks for (ServiceView) and the allocation state, what its
// status must say. Pure: the caller writes the status and records Events.
//
// The rules, in the order they are applied:
// 1. A Service that is gone, or no longer ours, is released; a deleted one frees its addresses.
// 2. A Service that holds addresses keeps them while they still fit it (pool scope and sharing
//    re-checked with its current labels, ports and keys). It moves only when its own request
//    asks for something else (requested IPs, pool annotation, IP families), or when a sharing
//    conflict leaves no choice. When the new request cannot be met, it keeps what it has.
// 3. A Service whose addresses no pool that admits it covers any more (pool deleted, shrunk,
//    reserved, or scope changed) keeps them, reported, unless the policy is `reallocate`
//    (MetalLB's behaviour) or its request asks for something else.
// 4. A Service whose addresses an older Service holds (two statuses showing one address that
//    cannot be shared) gets new ones, or none.
// 5. Otherwise the Service gets addresses, or waits with the allocator's reason.
import type { Allocation, AllocationRequest } from '@ironlb/ipam';
import { IPAddress } from '@ironlb/netaddr';
import {
  type AllocationState,
  type Claim,
  isConflictReason,
  isScopeReason,
  scopeKeyOf,
} from './allocation-state.js';
import type { HandledService, ServiceView } from './service-adapter.js';

export type ServiceOutcome =
  /** AddressAllocated=True: status shows these addresses from this pool. */
  | { readonly kind: 'allocated'; readonly pool: string; readonly ips: readonly string[] }
  /** AddressAllocated=False, but the Service keeps showing `ips`. */
  | {
      readonly kind: 'kept';
      readonly ips: readonly string[];
      readonly pool?: string;
      readonly reason: string;
      readonly detail: string;
      /** Kept although no pool that admits it covers them (Event AddressOrphaned). */
      readonly orphan: boolean;
    }
  /** AddressAllocated=False and no addresses. */
  | { readonly kind: 'pending'; readonly reason: string; readonly detail: string }
  /** No longer ours: remove our addresses, annotation and condition. */
  | { readonly kind: 'released' }
  /** Not ours, or gone: write nothing. */
  | { readonly kind: 'untouched' };

export interface ReconcileResult {
  readonly outcome: ServiceOutcome;
  /** Addresses became free (wake Services waiting for space). */
  readonly freed: boolean;
}

const untouched: ServiceOutcome = { kind: 'untouched' };

function texts(a: Allocation): string[] {
  return a.ips.map(String);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function canonical(ips: readonly string[]): string[] {
  return ips.map((ip) => {
    const parsed = IPAddress.tryParse(ip);
    return parsed.ok ? parsed.value.toString() : ip;
  });
}

/** Whether the request asks for something other than `ips` from `pool`. */
export function wantsChange(
  request: AllocationRequest,
  ips: readonly string[],
  pool: string | undefined,
): boolean {
  const requested = request.requestedIPs ?? [];
  if (requested.length > 0 && !sameSet(canonical(requested), ips)) return true;
  if (request.pool !== undefined && request.pool !== pool) return true;
  const primary = request.primaryFamily ?? 4;
  const families = ips.map((ip) => (ip.includes(':') ? 6 : 4));
  const policy = request.ipFamilyPolicy ?? 'SingleStack';
  if (policy === 'SingleStack') return !families.includes(primary);
  if (policy === 'RequireDualStack') return !(families.includes(4) && families.includes(6));
  return false;
}

/** A request for exactly the addresses held, with the Service's current data (a fit check). */
function pinned(request: AllocationRequest, held: Allocation): AllocationRequest {
  return {
    ...request,
    requestedIPs: texts(held),
    pool: held.pool,
    ipFamilyPolicy: held.ips.length === 2 ? 'RequireDualStack' : 'SingleStack',
    primaryFamily: held.ips[0]!.family,
  };
}

function allocated(a: Allocation): ServiceOutcome {
  return { kind: 'allocated', pool: a.pool, ips: texts(a) };
}

export function reconcileService(
  state: AllocationState,
  key: string,
  view: ServiceView | undefined,
): ReconcileResult {
  if (view === undefined) return { outcome: untouched, freed: state.forget(key) };
  if (!view.handled) {
    const freed = state.forget(key);
    return { outcome: view.marked ? { kind: 'released' } : untouched, freed };
  }
  if (!state.known.has(key)) {
    // First sight after the term started (restore covers the rest): only our own marks count.
    if (view.marked && view.statusIPs.length > 0 && !state.allocation(key) && !state.claims.has(key))
      state.restore(
        {
          ...view.request,
          ips: view.statusIPs,
          ...(view.statusPool !== undefined ? { pool: view.statusPool } : {}),
        },
        scopeKeyOf(view.request),
      );
    state.known.add(key);
  }
  const held = state.allocation(key);
  if (held) return reconcileHeld(state, view, held);
  const claim = state.claims.get(key);
  if (claim?.kind === 'orphan') return reconcileOrphan(state, view, claim);
  return { outcome: allocateFresh(state, view, claim !== undefined), freed: false };
}

/** The Service holds `held` in the allocator. */
function reconcileHeld(state: AllocationState, view: HandledService, held: Allocation): ReconcileResult {
  const request = view.request;
  const pin = state.allocate(pinned(request, held));
  if (pin.ok) {
    // `held` still fits the Service as it is now.
    if (view.invalid) return { outcome: keptAfterRefusal(state, view, held, view.invalid), freed: false };
    const change = wantsChange(request, texts(held), held.pool);
    const r = state.allocate(request);
    if (r.ok) return { outcome: allocated(r.allocation), freed: change || r.changed };
    // Refused: give the Service back what it had (it fitted a moment ago).
    const back = state.reassign({ ...request, ips: texts(held), pool: held.pool });
    if (back.ok) return { outcome: keptAfterRefusal(state, view, held, r), freed: false };
    return pendingAfter(state, view, r, true);
  }
  // `held` no longer fits: the allocator has released it.
  const conflict = isConflictReason(pin.reason);
  if (view.invalid) {
    if (!conflict) return { outcome: orphanOutcome(state, view, held, pin), freed: false };
    return { outcome: pendingOutcome(view.invalid), freed: true };
  }
  const keep = !conflict && state.policy === 'keep';
  if (keep && !wantsChange(request, texts(held), held.pool))
    return { outcome: orphanOutcome(state, view, held, pin), freed: false };
  const r = state.allocate(request);
  if (r.ok) return { outcome: allocated(r.allocation), freed: true };
  if (keep) return { outcome: orphanOutcome(state, view, held, pin, r), freed: false };
  return pendingAfter(state, view, r, true);
}

/** The Service keeps `held` as an orphan (no pool that admits it covers it any more). */
function orphanOutcome(
  state: AllocationState,
  view: HandledService,
  held: Allocation,
  why: { reason: string; detail: string },
  refused?: { reason: string; detail: string },
): ServiceOutcome {
  state.orphan(view.key, {
    ips: texts(held),
    pool: held.pool,
    reason: why.reason,
    detail: why.detail,
    scopeKey: scopeKeyOf(view.request),
    ...(refused ? { refused: { reason: refused.reason, detail: refused.detail } } : {}),
  });
  return keptOrphan(state.claims.get(view.key)!);
}

function keptOrphan(claim: Claim): ServiceOutcome {
  return {
    kind: 'kept',
    ips: claim.ips,
    ...(claim.pool !== undefined ? { pool: claim.pool } : {}),
    reason: claim.refused?.reason ?? claim.reason,
    detail: claim.refused
      ? `the requested change cannot be made: ${claim.refused.detail}; meanwhile ${claim.detail}`
      : claim.detail,
    orphan: true,
  };
}

function reconcileOrphan(state: AllocationState, view: HandledService, claim: Claim): ReconcileResult {
  const key = view.key;
  const request = view.request;
  if (view.invalid) return { outcome: keptOrphan(claim), freed: false };
  const scopeKey = scopeKeyOf(request);
  if (isScopeReason(claim.reason) && claim.scopeKey !== undefined && claim.scopeKey !== scopeKey) {
    // Its labels changed: the pool may admit it again.
    state.liftOrphan(key);
    const back = state.reassign({ ...request, ips: claim.ips });
    if (back.ok) return { outcome: allocated(back.allocation), freed: false };
    const { refused: _, ...base } = claim;
    state.orphan(key, { ...base, reason: back.reason, detail: back.detail, scopeKey });
    return { outcome: keptOrphan(state.claims.get(key)!), freed: false };
  }
  if (claim.scopeKey === undefined) state.claims.set(key, { ...claim, scopeKey });
  if (state.policy === 'keep' && !wantsChange(request, claim.ips, claim.pool)) {
    if (claim.refused) {
      const { refused: _, ...base } = claim;
      state.claims.set(key, { ...base, scopeKey });
      return { outcome: keptOrphan(base), freed: false };
    }
    return { outcome: keptOrphan(claim), freed: false };
  }
  const r = state.allocate(request);
  if (r.ok) return { outcome: allocated(r.allocation), freed: true };
  if (state.policy === 'reallocate') return pendingAfter(state, view, r, false);
  // Still an orphan: put its claim back (the allocator dropped it) and say what was refused.
  const { refused: _, ...base } = claim;
  const back = state.reassign({ ...request, ips: claim.ips });
  if (back.ok) return { outcome: allocated(back.allocation), freed: false };
  state.orphan(key, { ...base, scopeKey, refused: { reason: r.reason, detail: r.detail } });
  state.setWaiting(key, { reason: r.reason, detail: r.detail });
  return { outcome: keptOrphan(state.claims.get(key)!), freed: false };
}

/** No addresses held; a contested claim, if any, is dropped. */
function allocateFresh(state: AllocationState, view: HandledService, hadClaim: boolean): ServiceOutcome {
  if (view.invalid) {
    if (hadClaim) {
      state.forget(view.key);
      state.known.add(view.key);
    }
    return pendingOutcome(view.invalid);
  }
  const r = state.allocate(view.request);
  if (r.ok) return allocated(r.allocation);
  return pendingAfter(state, view, r, false).outcome;
}

function pendingAfter(
  state: AllocationState,
  view: HandledService,
  failure: { reason: string; detail: string },
  freed: boolean,
): ReconcileResult {
  state.setWaiting(view.key, { reason: failure.reason, detail: failure.detail });
  return { outcome: pendingOutcome(failure), freed };
}

function pendingOutcome(failure: { reason: string; detail: string }): ServiceOutcome {
  return { kind: 'pending', reason: failure.reason, detail: failure.detail };
}

/** Keeps `held` after the Service's request was refused; retried when space appears. */
function keptAfterRefusal(
  state: AllocationState,
  view: HandledService,
  held: Allocation,
  failure: { reason: string; detail: string },
): ServiceOutcome {
  if (!view.invalid) state.setWaiting(view.key, { reason: failure.reason, detail: failure.detail });
  return {
    kind: 'kept',
    ips: texts(held),
    pool: held.pool,
    reason: failure.reason,
    detail: failure.detail,
    orphan: false,
  };
}
