// Where a Service's addresses come from: pure decisions over the current state that return a
// Plan (what to take) or the reason nothing fits. Nothing here changes the state.
import { type IPAddress, type IPFamily, familyName } from '@ironlb/netaddr';
import { type CompiledPool, checkScope, poolOf } from './pool-table.js';
import { AllocationReason, type Failure, fail } from './reasons.js';
import { type NormalizedRequest, type ServiceMeta, sharingFailure } from './service-record.js';
import type { AllocatorState, Holding, Pick, Plan, ServiceRecord } from './state.js';
import type { IPFamilyPolicy } from './types.js';

/** The family sets to try, in order, for a policy (MetalLB's PreferDualStack fallback). */
export function familyAttempts(policy: IPFamilyPolicy, primary: IPFamily): IPFamily[][] {
  const secondary: IPFamily = primary === 4 ? 6 : 4;
  if (policy === 'SingleStack') return [[primary]];
  if (policy === 'RequireDualStack') return [[primary, secondary]];
  return [[primary, secondary], [primary], [secondary]];
}

/** Every holder other than the service itself must accept it as a co-holder. */
export function holdersFailure(holding: Holding, meta: ServiceMeta): Failure | undefined {
  for (const holder of holding.holders) {
    if (holder.meta.serviceKey === meta.serviceKey) continue;
    const failure = sharingFailure(meta, holder.meta, holding.ip);
    if (failure) return failure;
  }
  return undefined;
}

/**
 * One address of `family` from `pool`: with a sharing key, an address already shared under
 * that key (lowest first) if the service fits there; otherwise the space's next free address.
 */
export function pickInPool(
  state: AllocatorState,
  pool: CompiledPool,
  family: IPFamily,
  meta: ServiceMeta,
): Pick | Failure {
  const space = pool.spaces.get(family);
  if (!space)
    return fail(
      AllocationReason.familyUnavailable,
      `pool ${pool.name} has no ${familyName(family)} addresses`,
    );
  if (meta.sharingKey !== undefined) {
    let best: Holding | undefined;
    for (const holding of state.sharing.get(meta.sharingKey) ?? []) {
      if (holding.pool !== pool || holding.ip.family !== family) continue;
      if (holding.holders.some((holder) => holder.meta.serviceKey === meta.serviceKey)) continue;
      if (holdersFailure(holding, meta)) continue;
      if (!best || holding.ip.value < best.ip.value) best = holding;
    }
    if (best) return { kind: 'share', holding: best };
  }
  const ordinal = space.peekFree();
  if (ordinal === undefined) {
    return fail(
      AllocationReason.poolExhausted,
      `pool ${pool.name} has no free ${familyName(family)} address`,
    );
  }
  return { kind: 'free', space, ordinal };
}

/** Picks for every family of `families` in one pool, or the first failure. */
function planInPool(
  state: AllocatorState,
  pool: CompiledPool,
  families: IPFamily[],
  meta: ServiceMeta,
): Plan | Failure {
  const picks: Pick[] = [];
  for (const family of families) {
    const pick = pickInPool(state, pool, family, meta);
    if ('ok' in pick) return pick;
    picks.push(pick);
  }
  return { pool, picks };
}

/** Tries the pools in order for each family set of the policy; the reason says what was missing. */
function planAcross(
  state: AllocatorState,
  pools: readonly CompiledPool[],
  request: NormalizedRequest,
): Plan | Failure {
  let exhausted: Failure | undefined;
  for (const families of familyAttempts(request.policy, request.primaryFamily)) {
    for (const pool of pools) {
      if (!families.every((family) => pool.spaces.has(family))) continue;
      const plan = planInPool(state, pool, families, request.meta);
      if (!('ok' in plan)) return plan;
      exhausted ??= plan;
    }
  }
  if (exhausted) {
    const names = pools.map((pool) => pool.name).join(', ');
    return fail(
      exhausted.reason,
      pools.length > 1 ? `${exhausted.detail} (tried ${names})` : exhausted.detail,
    );
  }
  const wanted = familyAttempts(request.policy, request.primaryFamily)[0]!.map(familyName).join(' and ');
  return fail(
    AllocationReason.familyUnavailable,
    `no ${pools.length === 1 ? `address in pool ${pools[0]!.name}` : 'pool available to the Service'} has ${wanted} addresses` +
      (request.policy === 'RequireDualStack' ? ' in the same pool (RequireDualStack)' : ''),
  );
}

/** Automatic choice: autoAssign pools whose scope admits the Service, scoped pools first. */
export function planAuto(state: AllocatorState, request: NormalizedRequest): Plan | Failure {
  const pools = state.table.order.filter((pool) => pool.autoAssign && !checkScope(pool, request.meta));
  if (pools.length === 0) {
    const total = state.table.order.length;
    return fail(
      AllocationReason.noMatchingPool,
      total === 0
        ? 'no address pool is configured'
        : `none of the ${total} pool(s) both has autoAssign and admits Service ${request.meta.serviceKey}`,
    );
  }
  return planAcross(state, pools, request);
}

/** The pool named by the request; autoAssign does not matter, the scope does. */
export function planFromPool(
  state: AllocatorState,
  request: NormalizedRequest,
  name: string,
): Plan | Failure {
  const pool = state.table.pools.get(name);
  if (!pool) return fail(AllocationReason.unknownPool, `there is no pool named ${name}`);
  return checkScope(pool, request.meta) ?? planAcross(state, [pool], request);
}

/** A holder that stands in the way of a claim on one of its addresses. */
export interface Conflict {
  readonly holding: Holding;
  readonly holder: ServiceRecord;
  readonly failure: Failure;
}

export interface AddressCheck {
  readonly pool: CompiledPool;
  readonly conflicts: readonly Conflict[];
}

/**
 * Checks explicit addresses: all in one pool (the named one when given), admitted by its scope,
 * usable (not reserved or avoided). Holders that cannot share are returned as conflicts.
 */
export function checkAddresses(
  state: AllocatorState,
  meta: ServiceMeta,
  ips: readonly IPAddress[],
  poolName: string | undefined,
): AddressCheck | Failure {
  if (poolName !== undefined && !state.table.pools.has(poolName)) {
    return fail(AllocationReason.unknownPool, `there is no pool named ${poolName}`);
  }
  let pool: CompiledPool | undefined;
  for (const ip of ips) {
    const owner = poolOf(state.table, ip);
    if (!owner) return fail(AllocationReason.ipNotInPool, `${ip.toString()} is not in any address pool`);
    if (poolName !== undefined && owner.name !== poolName) {
      return fail(
        AllocationReason.ipNotInPool,
        `${ip.toString()} is in pool ${owner.name}, not in the requested pool ${poolName}`,
      );
    }
    if (pool && owner !== pool) {
      return fail(
        AllocationReason.ipNotInPool,
        `the addresses are in two pools (${pool.name} and ${owner.name}); a Service's addresses come from one pool`,
      );
    }
    pool = owner;
  }
  if (!pool) return fail(AllocationReason.invalidRequest, `${meta.serviceKey}: no address given`);
  const scope = checkScope(pool, meta);
  if (scope) return scope;
  const conflicts: Conflict[] = [];
  for (const ip of ips) {
    if (pool.spaces.get(ip.family)?.map.ordinalOf(ip.value) === undefined) {
      const why =
        pool.source.avoidBuggyIPs && ip.isBuggyIPv4()
          ? 'avoidBuggyIPs excludes .0 and .255'
          : 'it is reserved';
      return fail(
        AllocationReason.ipReserved,
        `${ip.toString()} is not handed out by pool ${pool.name}: ${why}`,
      );
    }
    const holding = state.holdingOf(ip);
    if (!holding) continue;
    for (const holder of holding.holders) {
      if (holder.meta.serviceKey === meta.serviceKey) continue;
      const failure = sharingFailure(meta, holder.meta, ip);
      if (failure) conflicts.push({ holding, holder, failure });
    }
  }
  return { pool, conflicts };
}

/** The plan for explicit addresses once no conflict is left. */
export function planAddresses(state: AllocatorState, pool: CompiledPool, ips: readonly IPAddress[]): Plan {
  const picks: Pick[] = ips.map((ip) => {
    const holding = state.holdingOf(ip);
    if (holding) return { kind: 'share', holding };
    const space = pool.spaces.get(ip.family)!;
    return { kind: 'free', space, ordinal: space.map.ordinalOf(ip.value)!, ip };
  });
  return { pool, picks };
}
