// fast-check properties of the allocator over a small universe of pools, addresses and
// Services, so that conflicts, sharing, exhaustion and pool changes happen often.
import { fc, test } from '@fast-check/vitest';
import { IPAddress, parsePoolEntry, subtractRanges } from '@ironlb/netaddr';
import { describe, expect } from 'vitest';
import { Allocator } from './allocator.js';
import { AllocationReason } from './reasons.js';
import { stateOf } from './testing/index.js';
import type { AllocationRequest, ExistingAllocation, Pool, ServiceInfo, ServicePort } from './types.js';

const allPools: Pool[] = [
  { name: 'a', addresses: ['192.0.2.0/29'], reservedAddresses: ['192.0.2.3'] },
  { name: 'b', addresses: ['198.51.100.254-198.51.101.1', '2001:db8::/126'], avoidBuggyIPs: true },
  { name: 'c', addresses: ['2001:db8:1::/127'], autoAssign: false },
  { name: 'd', addresses: ['203.0.113.0/30'], serviceAllocation: { priority: 1, namespaces: ['x'] } },
  {
    name: 'e',
    addresses: ['203.0.113.8/31', '2001:db8:2::/127'],
    serviceAllocation: { serviceSelectors: [{ matchLabels: { app: 'web' } }] },
  },
];
const addresses = [
  '192.0.2.0',
  '192.0.2.3',
  '192.0.2.5',
  '198.51.100.255',
  '198.51.101.1',
  '2001:db8::1',
  '2001:db8:1::',
  '203.0.113.1',
  '203.0.113.9',
  '2001:db8:2::1',
  '10.0.0.1',
];
const keys = ['x/s0', 'x/s1', 'y/s2', 'y/s3', 'y/s4', 'x/s5', 'y/s6'];
const portChoices: ServicePort[] = [
  { protocol: 'TCP', port: 80 },
  { protocol: 'TCP', port: 443 },
  { protocol: 'UDP', port: 80 },
];

const info = fc.record({
  key: fc.constantFrom(...keys),
  sharingKey: fc.constantFrom(undefined, 'k', 'j'),
  ports: fc.subarray(portChoices),
  backendKey: fc.constantFrom(undefined, 'b1', 'b2'),
  web: fc.boolean(),
});
type Info = typeof info extends fc.Arbitrary<infer T> ? T : never;

function serviceInfo(i: Info): ServiceInfo {
  return {
    serviceKey: i.key,
    namespace: i.key.split('/')[0]!,
    serviceLabels: i.web ? { app: 'web' } : {},
    ports: i.ports,
    ...(i.sharingKey === undefined ? {} : { sharingKey: i.sharingKey }),
    ...(i.backendKey === undefined ? {} : { backendKey: i.backendKey }),
    createdAt: keys.indexOf(i.key), // one creation time per Service
  };
}

const poolName = fc.constantFrom(undefined, 'a', 'b', 'c', 'd', 'e', 'zz');
const op = fc.oneof(
  fc.record({
    kind: fc.constant('allocate' as const),
    info,
    requested: fc.subarray(addresses, { maxLength: 2 }),
    pool: poolName,
    policy: fc.constantFrom('SingleStack' as const, 'PreferDualStack' as const, 'RequireDualStack' as const),
    primary: fc.constantFrom(4 as const, 6 as const),
  }),
  fc.record({
    kind: fc.constant('assign' as const),
    info,
    ips: fc.subarray(addresses, { minLength: 1, maxLength: 2 }),
    pool: poolName,
  }),
  fc.record({ kind: fc.constant('release' as const), key: fc.constantFrom(...keys) }),
  fc.record({ kind: fc.constant('setPools' as const), pools: fc.subarray(allPools, { minLength: 1 }) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function toRequest(o: Extract<Op, { kind: 'allocate' }>): AllocationRequest {
  return {
    ...serviceInfo(o.info),
    requestedIPs: o.requested,
    ...(o.pool === undefined ? {} : { pool: o.pool }),
    ipFamilyPolicy: o.policy,
    primaryFamily: o.primary,
  };
}

function toExisting(o: Extract<Op, { kind: 'assign' }>): ExistingAllocation {
  return { ...serviceInfo(o.info), ips: o.ips, ...(o.pool === undefined ? {} : { pool: o.pool }) };
}

/** Usable addresses of a pool, by brute force over its (small) ranges. */
function usable(p: Pool, family: 4 | 6): Set<string> {
  const ranges = subtractRanges(
    p.addresses.map(parsePoolEntry),
    (p.reservedAddresses ?? []).map(parsePoolEntry),
  );
  const out = new Set<string>();
  for (const range of ranges) {
    if (range.family !== family) continue;
    for (const ip of range) if (!(p.avoidBuggyIPs && ip.isBuggyIPv4())) out.add(ip.toString());
  }
  return out;
}

/** Runs the ops and checks the invariants after each one. */
function runAndCheck(ops: readonly Op[]): void {
  const allocator = new Allocator({ pools: allPools });
  let pools = allPools;
  const meta = new Map<string, ServiceInfo>(); // latest accepted data per Service
  const snapshot = JSON.stringify(ops);
  for (const o of ops) {
    if (o.kind === 'allocate') {
      const r = allocator.allocate(toRequest(o));
      if (r.ok || r.reason !== AllocationReason.invalidRequest) meta.set(o.info.key, serviceInfo(o.info));
    } else if (o.kind === 'assign') {
      const r = allocator.assign(toExisting(o));
      if (r.ok || r.reason !== AllocationReason.invalidRequest) meta.set(o.info.key, serviceInfo(o.info));
    } else if (o.kind === 'release') {
      allocator.release(o.key);
    } else {
      expect(allocator.setPools(o.pools).ok).toBe(true);
      pools = o.pools;
    }
    checkInvariants(allocator, pools, meta);
  }
  expect(JSON.stringify(ops)).toBe(snapshot); // inputs never mutated (and frozen besides)
}

function checkInvariants(allocator: Allocator, pools: readonly Pool[], meta: Map<string, ServiceInfo>): void {
  const holders = new Map<string, ServiceInfo[]>();
  const pending = new Set(allocator.pending().map((p) => p.serviceKey));
  for (const allocation of allocator.allocations()) {
    expect(pending.has(allocation.serviceKey)).toBe(false);
    const p = pools.find((candidate) => candidate.name === allocation.pool)!;
    expect(new Set(allocation.ips.map((ip) => ip.family)).size).toBe(allocation.ips.length);
    for (const ip of allocation.ips) {
      expect(usable(p, ip.family).has(ip.toString())).toBe(true);
      const list = holders.get(ip.toString()) ?? [];
      list.push(meta.get(allocation.serviceKey)!);
      holders.set(ip.toString(), list);
    }
  }
  // Never two incompatible Services on one address.
  for (const list of holders.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [s, t] = [list[i]!, list[j]!];
        expect(s.sharingKey).toBeDefined();
        expect(s.sharingKey).toBe(t.sharingKey);
        expect(s.backendKey ?? '').toBe(t.backendKey ?? '');
        const ports = new Set(s.ports!.map((p) => `${p.protocol}/${p.port}`));
        expect(t.ports!.some((p) => ports.has(`${p.protocol}/${p.port}`))).toBe(false);
      }
    }
  }
  // Counters equal a recount.
  for (const p of pools) {
    const counters = allocator.counters(p.name)!;
    for (const family of [4, 6] as const) {
      const assigned = allocator
        .allocations()
        .filter((a) => a.pool === p.name)
        .flatMap((a) => a.ips)
        .filter((ip) => ip.family === family);
      const distinct = new Set(assigned.map(String)).size;
      const c = family === 4 ? counters.ipv4 : counters.ipv6;
      expect(c.assigned).toBe(BigInt(distinct));
      expect(c.available).toBe(BigInt(usable(p, family).size - distinct));
    }
  }
}

describe('allocator properties', () => {
  test.prop([fc.array(op, { maxLength: 40 })], { numRuns: 300 })(
    'never gives an address to two incompatible Services; counters equal a recount; inputs are not mutated',
    (ops) => runAndCheck(deepFreeze(ops)),
  );

  test.prop([fc.array(op, { maxLength: 30 }), fc.nat()], { numRuns: 200 })(
    'a released address can be requested again at once',
    (ops, pick) => {
      const allocator = new Allocator({ pools: allPools });
      for (const o of deepFreeze(ops)) {
        if (o.kind === 'allocate') allocator.allocate(toRequest(o));
        else if (o.kind === 'assign') allocator.assign(toExisting(o));
        else if (o.kind === 'release') allocator.release(o.key);
      }
      const allocations = allocator.allocations();
      fc.pre(allocations.length > 0);
      const victim = allocations[pick % allocations.length]!;
      const { freed } = allocator.release(victim.serviceKey);
      for (const ip of freed) {
        const r = allocator.allocate({
          serviceKey: 'z/fresh',
          namespace: victim.serviceKey.split('/')[0]!,
          serviceLabels: { app: 'web' },
          requestedIPs: [ip.toString()],
          primaryFamily: ip.family,
        });
        expect(r.ok).toBe(true);
        allocator.release('z/fresh');
      }
    },
  );

  test.prop([fc.array(op, { maxLength: 30 })], { numRuns: 200 })(
    'automatic allocation fails with poolExhausted only when no candidate pool has a free address',
    (ops) => {
      const allocator = new Allocator({ pools: allPools });
      for (const o of deepFreeze(ops)) {
        if (o.kind === 'allocate') allocator.allocate(toRequest(o));
        else if (o.kind === 'assign') allocator.assign(toExisting(o));
        else if (o.kind === 'release') allocator.release(o.key);
      }
      for (const family of [4, 6] as const) {
        const free = ['a', 'b']
          .map((name) => allocator.counters(name)!)
          .map((c) => (family === 4 ? c.ipv4 : c.ipv6));
        const r = allocator.allocate({ serviceKey: 'y/probe', namespace: 'y', primaryFamily: family });
        expect(r.ok).toBe(free.some((c) => c.available > 0n));
        allocator.release('y/probe');
      }
    },
  );

  const claim = fc.record({ info, ips: fc.subarray(addresses, { minLength: 1, maxLength: 2 }) });
  const claims = fc.uniqueArray(claim, { selector: (c) => c.info.key, maxLength: keys.length });
  test.prop(
    [
      claims.chain((list) =>
        fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length })),
      ),
    ],
    {
      numRuns: 400,
    },
  )('restoring allocations in any order gives the same state', ([list, shuffled]) => {
    const restore = (order: typeof list) => {
      const allocator = new Allocator({ pools: allPools });
      for (const c of order) allocator.assign({ ...serviceInfo(c.info), ips: c.ips });
      return { state: stateOf(allocator), counters: allocator.allCounters() };
    };
    expect(restore(shuffled)).toEqual(restore(list));
  });

  test.prop([claims], { numRuns: 100 })('restoring is idempotent', (list) => {
    const allocator = new Allocator({ pools: allPools });
    for (const c of list) allocator.assign({ ...serviceInfo(c.info), ips: c.ips });
    const before = stateOf(allocator);
    for (const c of list) {
      const r = allocator.assign({ ...serviceInfo(c.info), ips: c.ips });
      if (r.ok) expect(r.changed).toBe(false);
      expect(r.effects).toEqual([]);
    }
    expect(stateOf(allocator)).toEqual(before);
  });
});

describe('addresses used by the properties', () => {
  test.prop([fc.constantFrom(...addresses)])('parse', (text) => {
    expect(IPAddress.parse(text).toString()).toBe(text);
  });
});
