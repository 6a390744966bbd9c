// Cumulative scenario tables in the style of MetalLB's allocator tests (TestAssignment,
// TestPoolAllocation...): each table runs its steps in order on one allocator, and each step
// states what it expects given everything before it.
import { describe, expect, it } from 'vitest';
import { Allocator } from './allocator.js';
import { AllocationReason as R } from './reasons.js';
import { existing, outcome, pool, request } from './testing/index.js';
import type { AllocationRequest, ExistingAllocation, Pool } from './types.js';

type Step =
  | { desc: string; allocate: AllocationRequest; want: string[] | string }
  | { desc: string; assign: ExistingAllocation; want: string[] | string }
  | { desc: string; release: string; freed: string[] }
  | { desc: string; setPools: Pool[]; orphaned: string[] }
  | { desc: string; counters: string; assigned: [bigint, bigint]; available: [bigint, bigint] };

function run(pools: Pool[], steps: Step[]): void {
  const a = new Allocator({ pools });
  for (const step of steps) {
    if ('allocate' in step) expect(outcome(a.allocate(step.allocate)), step.desc).toEqual(step.want);
    else if ('assign' in step) expect(outcome(a.assign(step.assign)), step.desc).toEqual(step.want);
    else if ('release' in step)
      expect(a.release(step.release).freed.map(String), step.desc).toEqual(step.freed);
    else if ('setPools' in step) {
      const r = a.setPools(step.setPools);
      expect(r.ok && r.orphaned.map((o) => o.serviceKey), step.desc).toEqual(step.orphaned);
    } else {
      const c = a.counters(step.counters)!;
      expect([c.ipv4.assigned, c.ipv6.assigned], step.desc).toEqual(step.assigned);
      expect([c.ipv4.available, c.ipv6.available], step.desc).toEqual(step.available);
    }
  }
}

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP' as const, port }));
const udp = (...ports: number[]) => ports.map((port) => ({ protocol: 'UDP' as const, port }));

describe('scenarios', () => {
  it('assignment of explicit addresses, with sharing', () => {
    run(
      [
        pool('test', ['192.0.2.4/31', '2001:db8::4/127']),
        pool('manual', ['198.51.100.0/30'], { autoAssign: false }),
      ],
      [
        { desc: 'assign s1 192.0.2.4', assign: existing('s1', ['192.0.2.4']), want: ['192.0.2.4'] },
        { desc: 'assign s1 again is a no-op', assign: existing('s1', ['192.0.2.4']), want: ['192.0.2.4'] },
        {
          desc: 's2 cannot take s1 address',
          allocate: request('s2', { requestedIPs: ['192.0.2.4'] }),
          want: R.ipInUse,
        },
        {
          desc: 's2 takes the other address',
          allocate: request('s2', { requestedIPs: ['192.0.2.5'] }),
          want: ['192.0.2.5'],
        },
        {
          desc: 'outside every pool',
          allocate: request('s3', { requestedIPs: ['10.0.0.1'] }),
          want: R.ipNotInPool,
        },
        {
          desc: 's3 with a sharing key cannot join s1 (no key)',
          allocate: request('s3', { requestedIPs: ['192.0.2.4'], sharingKey: 'share', ports: tcp(80) }),
          want: R.ipInUse,
        },
        { desc: 'release s1', release: 'ns/s1', freed: ['192.0.2.4'] },
        {
          desc: 's3 takes 192.0.2.4 with a sharing key',
          allocate: request('s3', { requestedIPs: ['192.0.2.4'], sharingKey: 'share', ports: tcp(80) }),
          want: ['192.0.2.4'],
        },
        {
          desc: 's4 shares with s3 on other ports',
          allocate: request('s4', {
            requestedIPs: ['192.0.2.4'],
            sharingKey: 'share',
            ports: [...tcp(443), ...udp(80)],
          }),
          want: ['192.0.2.4'],
        },
        {
          desc: 's5 clashes on TCP/80',
          allocate: request('s5', { requestedIPs: ['192.0.2.4'], sharingKey: 'share', ports: tcp(80) }),
          want: R.sharingConflict,
        },
        {
          desc: 's5 with another backend key',
          allocate: request('s5', {
            requestedIPs: ['192.0.2.4'],
            sharingKey: 'share',
            ports: tcp(8080),
            backendKey: 'app=x',
          }),
          want: R.sharingConflict,
        },
        {
          desc: 's5 with another sharing key',
          allocate: request('s5', { requestedIPs: ['192.0.2.4'], sharingKey: 'other', ports: tcp(8080) }),
          want: R.ipInUse,
        },
        { desc: 'release s3: s4 still holds it', release: 'ns/s3', freed: [] },
        {
          desc: 'the manual pool by IP',
          allocate: request('s6', { requestedIPs: ['198.51.100.2'] }),
          want: ['198.51.100.2'],
        },
        {
          desc: 'the manual pool by name',
          allocate: request('s7', { pool: 'manual' }),
          want: ['198.51.100.0'],
        },
        { desc: 'auto never uses the manual pool', allocate: request('s8'), want: R.poolExhausted },
        { desc: 'an IPv6 service', allocate: request('s8', { primaryFamily: 6 }), want: ['2001:db8::4'] },
        {
          desc: 'a dual-stack service needs both families from one pool',
          allocate: request('s9', { ipFamilyPolicy: 'RequireDualStack' }),
          want: R.poolExhausted,
        },
        { desc: 'counters', counters: 'test', assigned: [2n, 1n], available: [0n, 1n] },
        { desc: 'release s4', release: 'ns/s4', freed: ['192.0.2.4'] },
        {
          desc: 'now dual-stack fits',
          allocate: request('s9', { ipFamilyPolicy: 'RequireDualStack' }),
          want: ['192.0.2.4', '2001:db8::5'],
        },
      ],
    );
  });

  it('automatic allocation until exhaustion and back, with avoidBuggyIPs', () => {
    run(
      [pool('test', ['192.0.2.254-192.0.3.1'], { avoidBuggyIPs: true })],
      [
        { desc: 'counts skip .255 and .0', counters: 'test', assigned: [0n, 0n], available: [2n, 0n] },
        { desc: 's1 gets .254', allocate: request('s1'), want: ['192.0.2.254'] },
        { desc: 's2 skips .255 and .0', allocate: request('s2'), want: ['192.0.3.1'] },
        { desc: 's3 finds nothing', allocate: request('s3'), want: R.poolExhausted },
        { desc: 's1 asks again and keeps its address', allocate: request('s1'), want: ['192.0.2.254'] },
        { desc: 'release s1', release: 'ns/s1', freed: ['192.0.2.254'] },
        { desc: 's3 gets the freed address', allocate: request('s3'), want: ['192.0.2.254'] },
        {
          desc: 'requesting .255 is refused',
          allocate: request('s4', { requestedIPs: ['192.0.2.255'] }),
          want: R.ipReserved,
        },
        { desc: 'full', counters: 'test', assigned: [2n, 0n], available: [0n, 0n] },
        {
          desc: 'growing the pool re-maps and keeps everyone',
          setPools: [pool('test', ['192.0.2.254-192.0.3.3'], { avoidBuggyIPs: true })],
          orphaned: [],
        },
        { desc: 's4 gets a new address', allocate: request('s4'), want: ['192.0.3.2'] },
        {
          desc: 'shrinking the pool orphans s4',
          setPools: [pool('test', ['192.0.2.254-192.0.3.1'], { avoidBuggyIPs: true })],
          orphaned: ['ns/s4'],
        },
        { desc: 'after the shrink', counters: 'test', assigned: [2n, 0n], available: [0n, 0n] },
      ],
    );
  });

  it('scoped pools by namespace, labels and priority', () => {
    const gold = { namespaceLabels: { tier: 'gold' } };
    run(
      [
        pool('default', ['192.0.2.0/30']),
        pool('team-a', ['198.51.100.0/31'], { serviceAllocation: { priority: 10, namespaces: ['a'] } }),
        pool('gold', ['198.51.100.8/31'], {
          serviceAllocation: { priority: 5, namespaceSelectors: [{ matchLabels: { tier: 'gold' } }] },
        }),
        pool('web', ['203.0.113.0/31'], {
          serviceAllocation: { serviceSelectors: [{ matchLabels: { app: 'web' } }] },
        }),
      ],
      [
        { desc: 'namespace a goes to team-a', allocate: request('a/s1'), want: ['198.51.100.0'] },
        {
          desc: 'gold namespace a prefers gold (priority 5)',
          allocate: request('a/s2', gold),
          want: ['198.51.100.8'],
        },
        { desc: 'gold namespace b', allocate: request('b/s3', gold), want: ['198.51.100.9'] },
        { desc: 'gold is full, a falls to team-a', allocate: request('a/s4', gold), want: ['198.51.100.1'] },
        {
          desc: 'both scoped pools full: unscoped default',
          allocate: request('a/s5', gold),
          want: ['192.0.2.0'],
        },
        { desc: 'namespace b has no scoped pool', allocate: request('b/s6'), want: ['192.0.2.1'] },
        {
          desc: 'web services go to web',
          allocate: request('b/s7', { serviceLabels: { app: 'web' } }),
          want: ['203.0.113.0'],
        },
        {
          desc: 'b cannot name team-a',
          allocate: request('b/s8', { pool: 'team-a' }),
          want: R.poolNotAllowedForNamespace,
        },
        {
          desc: 'b cannot request an address of team-a',
          allocate: request('b/s8', { requestedIPs: ['198.51.100.1'] }),
          want: R.poolNotAllowedForNamespace,
        },
        {
          desc: 'a non-web service cannot name web',
          allocate: request('b/s8', { pool: 'web' }),
          want: R.poolNotAllowedForService,
        },
        { desc: 'release a/s1', release: 'a/s1', freed: ['198.51.100.0'] },
        { desc: 'a gets team-a back', allocate: request('a/s9'), want: ['198.51.100.0'] },
      ],
    );
  });

  it('dual-stack policies', () => {
    run(
      [
        pool('v4', ['192.0.2.0/30']),
        pool('w-dual', ['198.51.100.0/31', '2001:db8::/127']),
        pool('x-v6', ['2001:db8:1::/127']),
      ],
      [
        {
          desc: 'single-stack v4 takes the first pool by name',
          allocate: request('s1'),
          want: ['192.0.2.0'],
        },
        {
          desc: 'RequireDualStack, v6 primary',
          allocate: request('s2', { ipFamilyPolicy: 'RequireDualStack', primaryFamily: 6 }),
          want: ['2001:db8::', '198.51.100.0'],
        },
        {
          desc: 'PreferDualStack',
          allocate: request('s3', { ipFamilyPolicy: 'PreferDualStack' }),
          want: ['198.51.100.1', '2001:db8::1'],
        },
        {
          desc: 'PreferDualStack without a dual pool left falls back to v4',
          allocate: request('s4', { ipFamilyPolicy: 'PreferDualStack' }),
          want: ['192.0.2.1'],
        },
        {
          desc: 'RequireDualStack fails',
          allocate: request('s5', { ipFamilyPolicy: 'RequireDualStack' }),
          want: R.poolExhausted,
        },
        {
          desc: 'requested dual-stack addresses',
          allocate: request('s6', {
            ipFamilyPolicy: 'RequireDualStack',
            requestedIPs: ['2001:db8:1::1', '192.0.2.2'],
          }),
          want: R.ipNotInPool,
        },
        { desc: 'single-stack v6', allocate: request('s6', { primaryFamily: 6 }), want: ['2001:db8:1::'] },
        { desc: 'release s2', release: 'ns/s2', freed: ['2001:db8::', '198.51.100.0'] },
        {
          desc: 'PreferDualStack of s4 grows in its pool only',
          allocate: request('s4', { ipFamilyPolicy: 'PreferDualStack' }),
          want: ['192.0.2.1'],
        },
        {
          desc: 'RequireDualStack now fits in w-dual',
          allocate: request('s5', { ipFamilyPolicy: 'RequireDualStack' }),
          want: ['198.51.100.0', '2001:db8::'],
        },
      ],
    );
  });

  it('controller restart: existing allocations first, then new Services', () => {
    run(
      [pool('p', ['192.0.2.0/29'])],
      [
        {
          desc: 'restore s5 first',
          assign: existing('s5', ['192.0.2.5'], { createdAt: 5 }),
          want: ['192.0.2.5'],
        },
        { desc: 'restore s0', assign: existing('s0', ['192.0.2.0'], { createdAt: 1 }), want: ['192.0.2.0'] },
        { desc: 'restore s2', assign: existing('s2', ['192.0.2.2'], { createdAt: 2 }), want: ['192.0.2.2'] },
        {
          desc: 'a hand-edited status claims s2 address, but is newer',
          assign: existing('late', ['192.0.2.2'], { createdAt: 9 }),
          want: R.ipInUse,
        },
        { desc: 'a new Service gets a free address', allocate: request('n1'), want: ['192.0.2.1'] },
        { desc: 'and never one restored', allocate: request('n2'), want: ['192.0.2.3'] },
        { desc: 'next', allocate: request('n3'), want: ['192.0.2.4'] },
        { desc: 'the late claim waits; release s2', release: 'ns/s2', freed: [] },
        { desc: 'counters', counters: 'p', assigned: [6n, 0n], available: [2n, 0n] },
      ],
    );
  });
});
