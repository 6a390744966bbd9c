import { Allocator } from '@ironlb/ipam';
import { describe, expect, it } from 'vitest';
import { buildConfig } from './build-config.js';
import { MAX_STATUS_COUNT, poolStatusCounts, toIpamPools } from './ipam-pools.js';
import { pool } from './testing/builders.js';

describe('toIpamPools', () => {
  const r = buildConfig(undefined, {
    ipAddressPools: [
      pool('b', {
        addresses: ['192.0.2.0/28'],
        reservedAddresses: ['192.0.2.1'],
        serviceAllocation: {
          priority: 5,
          namespaces: ['shop'],
          serviceSelectors: [{ matchLabels: { a: 'b' } }],
        },
      }),
      pool('a', { addresses: ['2001:db8::/64'], autoAssign: false }),
      pool('bad', { addresses: ['192.0.2.0/28'] }),
    ],
  });

  it('gives the allocator the pools in effect, defaults applied', () => {
    expect(toIpamPools(r.config)).toEqual([
      { name: 'a', addresses: ['2001:db8::/64'], autoAssign: false, avoidBuggyIPs: false },
      {
        name: 'b',
        addresses: ['192.0.2.0/28'],
        autoAssign: true,
        avoidBuggyIPs: false,
        reservedAddresses: ['192.0.2.1'],
        serviceAllocation: {
          priority: 5,
          namespaces: ['shop'],
          serviceSelectors: [{ matchLabels: { a: 'b' } }],
        },
      },
    ]);
  });

  it('produces pools the allocator accepts, and status counts from its counters', () => {
    const alloc = new Allocator();
    const set = alloc.setPools(toIpamPools(r.config));
    expect(set.ok).toBe(true);
    const counters = alloc.counters('a');
    expect(counters).toBeDefined();
    expect(poolStatusCounts(counters!)).toEqual({
      assignedIPv4: 0,
      availableIPv4: 0,
      assignedIPv6: 0,
      availableIPv6: MAX_STATUS_COUNT,
    });
    expect(poolStatusCounts(alloc.counters('b')!)).toMatchObject({ availableIPv4: 15 });
  });
});
