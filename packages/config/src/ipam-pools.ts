// Conversion between the configuration in effect and the allocator's types.
import type { PoolCounters, Pool } from '@ironlb/ipam';
import type { EffectiveConfig } from './build-config.js';
import type { IPAddressPoolStatus } from './crd/generated-types.js';

/** The allocator's pools: the IPAddressPools in effect, sorted by name. */
export function toIpamPools(config: EffectiveConfig): Pool[] {
  return [...config.ipAddressPools.values()].map(({ object, config: pool }) => {
    const spec = object.spec;
    const sa = pool.serviceAllocation;
    return {
      name: pool.name,
      addresses: [...spec.addresses],
      autoAssign: pool.autoAssign,
      avoidBuggyIPs: pool.avoidBuggyIPs,
      ...(spec.reservedAddresses?.length ? { reservedAddresses: [...spec.reservedAddresses] } : {}),
      ...(sa
        ? {
            serviceAllocation: {
              ...(sa.priority !== undefined ? { priority: sa.priority } : {}),
              ...(sa.namespaces.length > 0 ? { namespaces: sa.namespaces } : {}),
              ...(sa.namespaceSelectors.length > 0 ? { namespaceSelectors: sa.namespaceSelectors } : {}),
              ...(sa.serviceSelectors.length > 0 ? { serviceSelectors: sa.serviceSelectors } : {}),
            },
          }
        : {}),
    };
  });
}

/** The largest integer JSON consumers (JavaScript, jq) read exactly: 2^53 - 1. */
export const MAX_STATUS_COUNT = Number.MAX_SAFE_INTEGER;

function count(n: bigint): number {
  return n > BigInt(MAX_STATUS_COUNT) ? MAX_STATUS_COUNT : Number(n);
}

/** The address counts of IPAddressPool.status from the allocator's counters (saturating). */
export function poolStatusCounts(
  counters: PoolCounters,
): Pick<IPAddressPoolStatus, 'assignedIPv4' | 'assignedIPv6' | 'availableIPv4' | 'availableIPv6'> {
  return {
    assignedIPv4: count(counters.ipv4.assigned),
    availableIPv4: count(counters.ipv4.available),
    assignedIPv6: count(counters.ipv6.assigned),
    availableIPv6: count(counters.ipv6.available),
  };
}
