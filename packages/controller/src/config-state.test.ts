import { describe, expect, it } from 'vitest';
import type { ObjectStatus } from '@ironlb/config';
import { pool } from '@ironlb/config/testing';
import { ConfigState, problemEvents, validCondition } from './config-state.js';

const problem = (
  reason: string,
  severity: 'error' | 'warning',
  message: string,
  field = 'spec.addresses[0]',
) =>
  ({
    kind: 'IPAddressPool',
    name: 'blue',
    field,
    reason,
    severity,
    message,
  }) as ObjectStatus['problems'][number];

describe('validCondition', () => {
  it('is True for an object in effect, naming warnings', () => {
    expect(
      validCondition({ kind: 'IPAddressPool', name: 'blue', generation: 3, verdict: 'valid', problems: [] }),
    ).toEqual({
      type: 'Valid',
      status: 'True',
      reason: 'valid',
      message: 'in effect',
      observedGeneration: 3,
    });
    const warned = validCondition({
      kind: 'IPAddressPool',
      name: 'blue',
      verdict: 'valid',
      problems: [
        problem(
          'reservedOutsidePool',
          'warning',
          'spec.reservedAddresses[0] is outside',
          'spec.reservedAddresses[0]',
        ),
      ],
    });
    expect(warned).toMatchObject({ status: 'True', reason: 'reservedOutsidePool' });
    expect(warned.message).toBe('in effect, with warnings: spec.reservedAddresses[0] is outside');
  });

  it('is False with the first error, saying which version is in effect', () => {
    const previous = validCondition({
      kind: 'IPAddressPool',
      name: 'blue',
      generation: 4,
      verdict: 'previousVersion',
      effectiveGeneration: 3,
      problems: [problem('invalidAddress', 'error', 'the range is backwards')],
    });
    expect(previous).toEqual({
      type: 'Valid',
      status: 'False',
      reason: 'invalidAddress',
      message:
        'spec.addresses[0]: the range is backwards; the last valid version (generation 3) stays in effect',
      observedGeneration: 4,
    });
    const rejected = validCondition({
      kind: 'IPAddressPool',
      name: 'blue',
      verdict: 'rejected',
      problems: [problem('overlappingAddresses', 'error', 'spec.addresses[0] 192.0.2.0/24 overlaps')],
    });
    expect(rejected.message).toBe('spec.addresses[0] 192.0.2.0/24 overlaps; not in effect');
  });
});

describe('problemEvents', () => {
  it('makes one Warning per problem', () => {
    const events = problemEvents({
      kind: 'IPAddressPool',
      name: 'blue',
      verdict: 'rejected',
      problems: [problem('invalidAddress', 'error', 'bad'), problem('duplicateEntry', 'warning', 'twice')],
    });
    expect(events.map((e) => [e.type, e.reason, e.message])).toEqual([
      ['Warning', 'invalidAddress', 'spec.addresses[0]: bad (not in effect)'],
      ['Warning', 'duplicateEntry', 'spec.addresses[0]: twice'],
    ]);
  });
});

describe('ConfigState', () => {
  it('reports pool changes only when the pools differ, and keeps the last valid version', () => {
    const c = new ConfigState();
    const first = c.rebuild({
      ipAddressPools: [pool('blue', { addresses: ['192.0.2.0/24'] }, { generation: 1 })],
    });
    expect(first.poolsChanged).toBe(true);
    expect(first.pools.map((p) => p.name)).toEqual(['blue']);
    const same = c.rebuild({
      ipAddressPools: [pool('blue', { addresses: ['192.0.2.0/24'] }, { generation: 1 })],
    });
    expect(same.poolsChanged).toBe(false);
    const broken = c.rebuild({
      ipAddressPools: [pool('blue', { addresses: ['192.0.2.9-192.0.2.1'] }, { generation: 2 })],
    });
    expect(broken.poolsChanged).toBe(false);
    expect(broken.result.objects[0]).toMatchObject({ verdict: 'previousVersion', effectiveGeneration: 1 });
  });
});
