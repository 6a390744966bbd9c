// A validated, compiled pool set: each pool's merged ranges and per-family free-address
// spaces, the order in which pools are tried, and lookup of the pool holding an address.
import {
  type IPAddress,
  type IPFamily,
  type IPRange,
  findOverlap,
  mergeRanges,
  subtractRanges,
  tryParsePoolEntry,
} from '@ironlb/netaddr';
import { FamilySpace } from './family-space.js';
import { matchesAny } from './label-selector.js';
import { OrdinalMap } from './ordinal-map.js';
import { AllocationReason, type Failure, PoolSetReason, fail } from './reasons.js';
import type { Pool, ServiceInfo } from './types.js';

export interface CompiledPool {
  readonly name: string;
  readonly source: Pool;
  readonly autoAssign: boolean;
  readonly scoped: boolean;
  readonly priority: number | undefined;
  /** The pool's addresses (reserved ones included), merged. */
  readonly ranges: readonly IPRange[];
  /** One space per family the pool has addresses of. */
  readonly spaces: ReadonlyMap<IPFamily, FamilySpace>;
}

export interface PoolTable {
  readonly pools: ReadonlyMap<string, CompiledPool>;
  /** Scoped pools by (priority, unset last; name), then unscoped pools by name. */
  readonly order: readonly CompiledPool[];
  /** Every pool range with its pool, sorted, for lookup by address. */
  readonly index: readonly { readonly range: IPRange; readonly pool: CompiledPool }[];
}

export function compilePools(
  pools: readonly Pool[],
  releaseMemory?: number,
): { ok: true; table: PoolTable } | Failure<PoolSetReason> {
  const compiled = new Map<string, CompiledPool>();
  const index: { range: IPRange; pool: CompiledPool }[] = [];
  for (const pool of pools) {
    if (typeof pool.name !== 'string' || pool.name === '') {
      return fail(PoolSetReason.invalidPool, 'a pool has an empty name');
    }
    if (compiled.has(pool.name)) return fail(PoolSetReason.invalidPool, `two pools are named ${pool.name}`);
    const ranges: IPRange[] = [];
    for (const entry of pool.addresses ?? []) {
      const parsed = tryParsePoolEntry(entry);
      if (!parsed.ok) return fail(PoolSetReason.invalidPool, `pool ${pool.name}: ${parsed.error.message}`);
      ranges.push(parsed.value);
    }
    const reserved: IPRange[] = [];
    for (const entry of pool.reservedAddresses ?? []) {
      const parsed = tryParsePoolEntry(entry);
      if (!parsed.ok) {
        return fail(
          PoolSetReason.invalidPool,
          `pool ${pool.name} reservedAddresses: ${parsed.error.message}`,
        );
      }
      reserved.push(parsed.value);
    }
    const merged = mergeRanges(ranges);
    const usable = subtractRanges(merged, reserved);
    const spaces = new Map<IPFamily, FamilySpace>();
    for (const family of [4, 6] as const) {
      if (!merged.some((range) => range.family === family)) continue;
      const map = new OrdinalMap(
        family,
        usable.filter((range) => range.family === family),
        pool.avoidBuggyIPs === true,
      );
      spaces.set(family, new FamilySpace(map, releaseMemory));
    }
    const scope = pool.serviceAllocation;
    const entry: CompiledPool = {
      name: pool.name,
      source: pool,
      autoAssign: pool.autoAssign !== false,
      scoped: scope !== undefined,
      priority: scope?.priority,
      ranges: merged,
      spaces,
    };
    compiled.set(pool.name, entry);
    for (const range of merged) index.push({ range, pool: entry });
  }
  const overlap = findOverlap(index.map((item) => item.range));
  if (overlap) {
    const owner = (range: IPRange) => index.find((item) => item.range === range)!.pool.name;
    return fail(
      PoolSetReason.poolsOverlap,
      `pools ${owner(overlap[0])} and ${owner(overlap[1])} overlap (${overlap[0].toString()} and ${overlap[1].toString()})`,
    );
  }
  index.sort((a, b) => a.range.compare(b.range));
  const order = [...compiled.values()].sort(comparePools);
  return { ok: true, table: { pools: compiled, order, index } };
}

function comparePools(a: CompiledPool, b: CompiledPool): number {
  if (a.scoped !== b.scoped) return a.scoped ? -1 : 1;
  if (a.priority !== b.priority) {
    if (a.priority === undefined) return 1;
    if (b.priority === undefined) return -1;
    return a.priority - b.priority;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The pool whose addresses (reserved ones included) contain `ip`, by binary search. */
export function poolOf(table: PoolTable, ip: IPAddress): CompiledPool | undefined {
  const index = table.index;
  let lo = 0;
  let hi = index.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index[mid]!.range.first.compare(ip) <= 0) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  const item = found >= 0 ? index[found] : undefined;
  return item && item.range.contains(ip) ? item.pool : undefined;
}

/** Whether the pool's scope admits the Service; applies to explicit requests too. */
export function checkScope(pool: CompiledPool, service: ServiceInfo): Failure | undefined {
  const scope = pool.source.serviceAllocation;
  if (!scope) return undefined;
  const namespaces = scope.namespaces ?? [];
  const namespaceSelectors = scope.namespaceSelectors ?? [];
  if (
    (namespaces.length > 0 || namespaceSelectors.length > 0) &&
    !namespaces.includes(service.namespace) &&
    !matchesAny(namespaceSelectors, service.namespaceLabels)
  ) {
    return fail(
      AllocationReason.poolNotAllowedForNamespace,
      `pool ${pool.name} does not allow Services in namespace ${service.namespace}`,
    );
  }
  const serviceSelectors = scope.serviceSelectors ?? [];
  if (serviceSelectors.length > 0 && !matchesAny(serviceSelectors, service.serviceLabels)) {
    return fail(
      AllocationReason.poolNotAllowedForService,
      `pool ${pool.name} does not allow Service ${service.serviceKey}: its labels match none of the pool's serviceSelectors`,
    );
  }
  return undefined;
}
