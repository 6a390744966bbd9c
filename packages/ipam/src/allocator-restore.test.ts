// Restoring allocations after a controller restart, conflicts between claims, pool changes.
import { describe, expect, it } from 'vitest';
import { Allocator } from './allocator.js';
import { AllocationReason as R } from './reasons.js';
import { existing, outcome, pool, request, stateOf } from './testing/index.js';

const pools = [pool('p', ['192.0.2.0/28']), pool('q', ['198.51.100.0/28', '2001:db8::/124'])];

describe('assign (restore)', () => {
  it('is idempotent', () => {
    const a = new Allocator({ pools });
    const first = a.assign(existing('s', ['192.0.2.7'], { createdAt: 1 }));
    expect(first.ok && first.changed).toBe(true);
    const again = a.assign(existing('s', ['192.0.2.7'], { createdAt: 1 }));
    expect(again.ok && again.changed).toBe(false);
    expect(stateOf(a)).toEqual({ 'ns/s': ['p', '192.0.2.7'] });
    expect(a.counters('p')!.ipv4.assigned).toBe(1n);
  });

  it('restores dual-stack allocations in the given order', () => {
    const a = new Allocator({ pools });
    expect(outcome(a.assign(existing('s', ['2001:db8::3', '198.51.100.3'])))).toEqual([
      '2001:db8::3',
      '198.51.100.3',
    ]);
  });

  it('the Service created first keeps a contested address; the newer one is displaced and pending', () => {
    const a = new Allocator({ pools });
    expect(a.assign(existing('newer', ['192.0.2.7'], { createdAt: 20 })).ok).toBe(true);
    const older = a.assign(existing('older', ['192.0.2.7'], { createdAt: 10 }));
    expect(older.ok).toBe(true);
    expect(older.effects).toEqual([
      expect.objectContaining({ kind: 'displaced', serviceKey: 'ns/newer', reason: R.ipInUse }),
    ]);
    expect(stateOf(a)).toEqual({ 'ns/older': ['p', '192.0.2.7'], 'ns/newer': ['pending:ipInUse'] });
    // the newer claim is refused when it comes again, and nothing changes
    expect(outcome(a.assign(existing('newer', ['192.0.2.7'], { createdAt: 20 })))).toBe(R.ipInUse);
    expect(a.allocation('ns/older')).toBeDefined();
  });

  it('breaks ties in creation time by service key, and treats a missing time as newest', () => {
    const a = new Allocator({ pools });
    a.assign(existing('b', ['192.0.2.7'], { createdAt: 5 }));
    a.assign(existing('a', ['192.0.2.7'], { createdAt: 5 }));
    expect(a.allocation('ns/a')?.pool).toBe('p');
    a.assign(existing('c', ['192.0.2.8']));
    a.assign(existing('d', ['192.0.2.8'], { createdAt: 1e15 }));
    expect(a.allocation('ns/d')).toBeDefined();
    expect(a.allocation('ns/c')).toBeUndefined();
  });

  it('a pending claim is reinstated when the holder goes away', () => {
    const a = new Allocator({ pools });
    a.assign(existing('older', ['192.0.2.7'], { createdAt: 1 }));
    expect(outcome(a.assign(existing('newer', ['192.0.2.7'], { createdAt: 2 })))).toBe(R.ipInUse);
    const released = a.release('ns/older');
    expect(released.effects).toEqual([
      { kind: 'reinstated', allocation: expect.objectContaining({ serviceKey: 'ns/newer', pool: 'p' }) },
    ]);
    expect(stateOf(a)).toEqual({ 'ns/newer': ['p', '192.0.2.7'] });
  });

  it('compatible claims share the address whatever their age', () => {
    const a = new Allocator({ pools });
    const share = (port: number, createdAt: number) => ({
      sharingKey: 'k',
      ports: [{ protocol: 'TCP' as const, port }],
      createdAt,
    });
    a.assign(existing('s2', ['192.0.2.7'], share(443, 2)));
    const r = a.assign(existing('s1', ['192.0.2.7'], share(80, 1)));
    expect(r.ok && r.effects).toEqual([]);
    expect(a.counters('p')!.ipv4.assigned).toBe(1n);
  });

  it('a new allocation for a pending Service replaces its claim', () => {
    const a = new Allocator({ pools });
    a.assign(existing('older', ['192.0.2.7'], { createdAt: 1 }));
    a.assign(existing('newer', ['192.0.2.7'], { createdAt: 2 }));
    expect(outcome(a.allocate(request('newer')))).toEqual(['192.0.2.0']);
    expect(a.pending()).toEqual([]);
    expect(a.release('ns/older').effects).toEqual([]);
  });

  it('checks the named pool, the scope and the reservations like a request', () => {
    const a = new Allocator({
      pools: [...pools, pool('r', ['203.0.113.0/28'], { reservedAddresses: ['203.0.113.1'] })],
    });
    expect(outcome(a.assign(existing('s', ['192.0.2.7'], { pool: 'q' })))).toBe(R.ipNotInPool);
    expect(outcome(a.assign(existing('s', ['10.0.0.1'])))).toBe(R.ipNotInPool);
    expect(outcome(a.assign(existing('s', ['203.0.113.1'])))).toBe(R.ipReserved);
    expect(a.pending().map((p) => p.reason)).toEqual([R.ipReserved]);
  });

  it('a restored allocation that changes address releases the old one', () => {
    const a = new Allocator({ pools });
    a.assign(existing('s', ['192.0.2.7']));
    a.assign(existing('s', ['192.0.2.9']));
    expect(stateOf(a)).toEqual({ 'ns/s': ['p', '192.0.2.9'] });
    expect(a.counters('p')!.ipv4.assigned).toBe(1n);
  });

  it('a displacement cascades: the displaced Service frees its other address for a waiting claim', () => {
    const a = new Allocator({ pools });
    // B (t=2) holds 198.51.100.1 and 2001:db8::1; C (t=3) waits for 2001:db8::1.
    a.assign(existing('b', ['198.51.100.1', '2001:db8::1'], { createdAt: 2 }));
    expect(outcome(a.assign(existing('c', ['2001:db8::1'], { createdAt: 3 })))).toBe(R.ipInUse);
    // A (t=1) claims 198.51.100.1: B is displaced, so C gets 2001:db8::1.
    const r = a.assign(existing('a', ['198.51.100.1'], { createdAt: 1 }));
    expect(
      r.effects.map((e) => `${e.kind}:${e.kind === 'displaced' ? e.serviceKey : e.allocation.serviceKey}`),
    ).toEqual(['displaced:ns/b', 'reinstated:ns/c']);
    expect(stateOf(a)).toEqual({
      'ns/a': ['q', '198.51.100.1'],
      'ns/b': ['pending:ipInUse'],
      'ns/c': ['q', '2001:db8::1'],
    });
  });
});

describe('setPools', () => {
  it('re-maps allocations to a renamed pool', () => {
    const a = new Allocator({ pools });
    a.allocate(request('s'));
    const r = a.setPools([pool('renamed', ['192.0.2.0/28']), pools[1]!]);
    expect(r).toEqual({
      ok: true,
      remapped: [{ serviceKey: 'ns/s', from: 'p', to: 'renamed' }],
      orphaned: [],
      reinstated: [],
    });
    expect(a.allocation('ns/s')?.pool).toBe('renamed');
  });

  it('reports allocations no pool covers any more, keeps them pending, and reinstates them when a pool returns', () => {
    const a = new Allocator({ pools });
    a.allocate(request('s1'));
    a.allocate(request('s2', { pool: 'q' }));
    const removed = a.setPools([pools[1]!]);
    expect(removed.ok && removed.orphaned).toEqual([
      expect.objectContaining({ serviceKey: 'ns/s1', reason: R.ipNotInPool }),
    ]);
    expect(a.allocation('ns/s1')).toBeUndefined();
    expect(a.pending().map((p) => p.serviceKey)).toEqual(['ns/s1']);
    // nobody else can take it meanwhile: it is in no pool
    const back = a.setPools(pools);
    expect(back.ok && back.reinstated.map((x) => x.serviceKey)).toEqual(['ns/s1']);
    expect(outcome(a.allocate(request('s1')))).toEqual(['192.0.2.0']);
  });

  it('reports allocations that became reserved or fell out of the scope', () => {
    const a = new Allocator({ pools });
    a.allocate(request('other/s1')); // 192.0.2.0
    a.allocate(request('ns/s2')); // 192.0.2.1
    a.allocate(request('other/s3')); // 192.0.2.2
    const r = a.setPools([
      pool('p', ['192.0.2.0/28'], {
        reservedAddresses: ['192.0.2.0'],
        serviceAllocation: { namespaces: ['other'] },
      }),
    ]);
    expect(r.ok && r.orphaned.map((o) => [o.serviceKey, o.reason])).toEqual([
      ['ns/s2', R.poolNotAllowedForNamespace],
      ['other/s1', R.ipReserved],
    ]);
    expect(stateOf(a)).toMatchObject({ 'other/s3': ['p', '192.0.2.2'] });
  });

  it('keeps the reuse history of unchanged pools', () => {
    const a = new Allocator({ pools: [pool('p', ['192.0.2.0/30'])] });
    for (const s of ['s0', 's1', 's2', 's3']) a.allocate(request(s));
    a.release('ns/s1');
    a.release('ns/s0');
    a.setPools([pool('p', ['192.0.2.0/30']), pool('z', ['2001:db8::/126'])]);
    expect(outcome(a.allocate(request('n1')))).toEqual(['192.0.2.1']);
    expect(outcome(a.allocate(request('n2')))).toEqual(['192.0.2.0']);
  });

  it('keeps the release order of addresses still in a redefined pool', () => {
    const a = new Allocator({ pools: [pool('p', ['192.0.2.0/30'])] });
    for (const s of ['s0', 's1', 's2', 's3']) a.allocate(request(s));
    a.release('ns/s2');
    a.release('ns/s0');
    a.setPools([pool('p', ['192.0.2.0/29'])]);
    // never-used addresses first, then the released ones in release order
    const got = ['a', 'b', 'c', 'd', 'e', 'f'].map((s) => outcome(a.allocate(request(s)))[0]);
    expect(got).toEqual(['192.0.2.4', '192.0.2.5', '192.0.2.6', '192.0.2.7', '192.0.2.2', '192.0.2.0']);
  });

  it('counts exactly, even for a /64, without reserved or avoided addresses', () => {
    const a = new Allocator({
      pools: [
        pool('big', ['2001:db8::/64', '192.0.2.0/24'], {
          avoidBuggyIPs: true,
          reservedAddresses: ['192.0.2.10-192.0.2.19'],
        }),
      ],
    });
    a.allocate(request('s', { ipFamilyPolicy: 'RequireDualStack' }));
    expect(a.counters('big')).toEqual({
      ipv4: { assigned: 1n, available: 254n - 10n - 1n },
      ipv6: { assigned: 1n, available: (1n << 64n) - 1n },
    });
    expect(a.counters('none')).toBeUndefined();
    expect(Object.keys(a.allCounters())).toEqual(['big']);
  });
});
