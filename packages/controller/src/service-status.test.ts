import { describe, expect, it } from 'vitest';
import { describeFailure, serviceEvents, serviceWrite } from './service-status.js';
import type { ServiceOutcome } from './reconcile-service.js';
import { service } from './testing/services.js';

const now = Date.UTC(2025, 5, 1);
const allocated: ServiceOutcome = { kind: 'allocated', pool: 'blue', ips: ['192.0.2.1', '2001:db8::1'] };

describe('serviceWrite', () => {
  it('writes ingress with ipMode VIP, the condition and the pool annotation', () => {
    const w = serviceWrite(service('a'), allocated, { now });
    expect(w).toEqual({
      status: {
        loadBalancer: {
          ingress: [
            { ip: '192.0.2.1', ipMode: 'VIP' },
            { ip: '2001:db8::1', ipMode: 'VIP' },
          ],
        },
        conditions: [
          {
            type: 'ironlb.io/AddressAllocated',
            status: 'True',
            reason: 'allocated',
            message: '192.0.2.1 and 2001:db8::1 from pool blue',
            lastTransitionTime: '2025-06-01T00:00:00Z',
          },
        ],
      },
      annotations: { 'ironlb.io/ip-allocated-from-pool': 'blue' },
    });
  });

  it('keeps other conditions and the transition time of an unchanged status', () => {
    const svc = service('a', { ourCondition: true });
    svc.status!.conditions!.unshift({
      type: 'example.com/Other',
      status: 'True',
      reason: 'x',
      message: '',
      lastTransitionTime: '2020-01-01T00:00:00Z',
    });
    const w = serviceWrite(svc, { kind: 'allocated', pool: 'blue', ips: ['192.0.2.1'] }, { now });
    const conditions = w!.status.conditions as { type: string; lastTransitionTime: string }[];
    expect(conditions.map((c) => [c.type, c.lastTransitionTime])).toEqual([
      ['example.com/Other', '2020-01-01T00:00:00Z'],
      ['ironlb.io/AddressAllocated', '2025-01-01T00:00:00Z'],
    ]);
  });

  it('clears ingress and annotation when pending, and removes only our condition when released', () => {
    const pending = serviceWrite(
      service('a'),
      { kind: 'pending', reason: 'poolExhausted', detail: 'full' },
      { now },
    );
    expect(pending?.status.loadBalancer).toEqual({ ingress: null });
    expect(pending?.annotations).toEqual({ 'ironlb.io/ip-allocated-from-pool': null });
    const released = serviceWrite(service('a', { ourCondition: true }), { kind: 'released' }, { now });
    expect(released?.status).toEqual({ loadBalancer: { ingress: null }, conditions: null });
    expect(serviceWrite(service('a'), { kind: 'untouched' }, { now })).toBeUndefined();
  });

  it('says how an orphan can be resolved, and what a refused change keeps', () => {
    const orphan = serviceWrite(
      service('a'),
      {
        kind: 'kept',
        ips: ['192.0.2.1'],
        pool: 'blue',
        reason: 'ipNotInPool',
        detail: '192.0.2.1 is not in any address pool',
        orphan: true,
      },
      { now },
    );
    const c = (orphan!.status.conditions as { status: string; message: string }[])[0]!;
    expect(c.status).toBe('False');
    expect(c.message).toMatch(
      /^192\.0\.2\.1 \(from pool blue\) is no longer covered by a pool that admits the Service/,
    );
    expect(c.message).toContain('--orphaned-addresses=reallocate');
    const kept = serviceWrite(
      service('a'),
      {
        kind: 'kept',
        ips: ['192.0.2.1'],
        pool: 'blue',
        reason: 'ipInUse',
        detail: '192.0.2.9 is in use',
        orphan: false,
      },
      { now },
    );
    expect((kept!.status.conditions as { message: string }[])[0]!.message).toBe(
      '192.0.2.9 is in use; keeping 192.0.2.1 until the request can be met',
    );
  });
});

describe('serviceEvents', () => {
  it('records allocation, release and failure only when they happen', () => {
    expect(serviceEvents(service('a'), allocated).map((e) => [e.reason, e.message])).toEqual([
      ['IPAllocated', 'Assigned 192.0.2.1 and 2001:db8::1 from pool blue'],
    ]);
    const had = service('a', { ingress: ['192.0.2.1', '2001:db8::1'] });
    expect(serviceEvents(had, allocated)).toEqual([]);
    const moved = serviceEvents(had, { kind: 'allocated', pool: 'blue', ips: ['192.0.2.2'] });
    expect(moved.map((e) => e.reason)).toEqual(['IPAllocated', 'IPReleased']);
    const failed = serviceEvents(service('a'), { kind: 'pending', reason: 'poolExhausted', detail: 'full' });
    expect(failed).toEqual([
      { type: 'Warning', reason: 'AllocationFailed', message: 'poolExhausted: full', action: 'Allocate' },
    ]);
  });

  it('records nothing for a failure already reported with the same reason and message', () => {
    const svc = service('a');
    svc.status!.conditions = [
      {
        type: 'ironlb.io/AddressAllocated',
        status: 'False',
        reason: 'poolExhausted',
        message: 'full',
        lastTransitionTime: '2025-01-01T00:00:00Z',
      },
    ];
    expect(serviceEvents(svc, { kind: 'pending', reason: 'poolExhausted', detail: 'full' })).toEqual([]);
  });

  it('reports orphans as AddressOrphaned and the loss of an address as IPReleased', () => {
    const had = service('a', { ingress: ['192.0.2.1'] });
    const orphan = serviceEvents(had, {
      kind: 'kept',
      ips: ['192.0.2.1'],
      reason: 'ipNotInPool',
      detail: 'gone',
      orphan: true,
    });
    expect(orphan.map((e) => [e.type, e.reason])).toEqual([['Warning', 'AddressOrphaned']]);
    const lost = serviceEvents(had, { kind: 'released' });
    expect(lost.map((e) => [e.reason, e.message])).toEqual([['IPReleased', 'Released 192.0.2.1']]);
  });
});

describe('describeFailure', () => {
  it('adds pool usage where the allocator says a pool is full', () => {
    const usage = (pool: string, family: 4 | 6) =>
      pool === 'blue' ? { assigned: family === 4 ? 254n : 3n, total: family === 4 ? 254n : 3n } : undefined;
    expect(describeFailure('pool blue has no free IPv4 address', usage)).toBe(
      'pool blue has no free IPv4 address: 254 of 254 assigned',
    );
    expect(describeFailure('pool blue has no free IPv6 address (tried blue, red)', usage)).toBe(
      'pool blue has no free IPv6 address: 3 of 3 assigned (tried blue, red)',
    );
    expect(describeFailure('pool red has no free IPv4 address', usage)).toBe(
      'pool red has no free IPv4 address',
    );
  });
});
