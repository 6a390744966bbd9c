// One test (or a small group) per allocation rule of the issue and of packages/ipam/README.md.
import { describe, expect, it } from 'vitest';
import { Allocator } from './allocator.js';
import { AllocationReason as R } from './reasons.js';
import { existing, outcome, pool, request } from './testing/index.js';

describe('requested addresses', () => {
  const allocator = () =>
    new Allocator({
      pools: [
        pool('a', ['192.0.2.0/28'], { reservedAddresses: ['192.0.2.1'] }),
        pool('b', ['198.51.100.0/24'], { avoidBuggyIPs: true }),
        pool('dual', ['203.0.113.0/28', '2001:db8::/120']),
      ],
    });

  it('must be in a pool', () => {
    expect(outcome(allocator().allocate(request('s', { requestedIPs: ['10.0.0.1'] })))).toBe(R.ipNotInPool);
  });

  it('must be in the named pool when one is named', () => {
    const a = allocator();
    expect(outcome(a.allocate(request('s', { requestedIPs: ['192.0.2.5'], pool: 'b' })))).toBe(R.ipNotInPool);
    expect(outcome(a.allocate(request('s', { requestedIPs: ['192.0.2.5'], pool: 'a' })))).toEqual([
      '192.0.2.5',
    ]);
    expect(outcome(a.allocate(request('t', { requestedIPs: ['192.0.2.6'], pool: 'nope' })))).toBe(
      R.unknownPool,
    );
  });

  it('must come from one pool when two are requested', () => {
    const r = allocator().allocate(
      request('s', { requestedIPs: ['192.0.2.5', '2001:db8::5'], ipFamilyPolicy: 'RequireDualStack' }),
    );
    expect(outcome(r)).toBe(R.ipNotInPool);
  });

  it('must not be reserved, nor .0/.255 with avoidBuggyIPs', () => {
    const a = allocator();
    expect(outcome(a.allocate(request('s', { requestedIPs: ['192.0.2.1'] })))).toBe(R.ipReserved);
    expect(outcome(a.allocate(request('s', { requestedIPs: ['198.51.100.255'] })))).toBe(R.ipReserved);
    expect(outcome(a.allocate(request('s', { requestedIPs: ['198.51.100.0'] })))).toBe(R.ipReserved);
    expect(outcome(a.allocate(request('s', { requestedIPs: ['198.51.100.1'] })))).toEqual(['198.51.100.1']);
  });

  it('must be free, or shareable', () => {
    const a = allocator();
    expect(a.allocate(request('s1', { requestedIPs: ['192.0.2.5'] })).ok).toBe(true);
    expect(outcome(a.allocate(request('s2', { requestedIPs: ['192.0.2.5'] })))).toBe(R.ipInUse);
    const shared = { sharingKey: 'k', ports: [{ protocol: 'TCP', port: 80 }] } as const;
    expect(a.allocate(request('s3', { requestedIPs: ['192.0.2.6'], ...shared })).ok).toBe(true);
    expect(
      outcome(
        a.allocate(
          request('s4', {
            requestedIPs: ['192.0.2.6'],
            sharingKey: 'k',
            ports: [{ protocol: 'TCP', port: 443 }],
          }),
        ),
      ),
    ).toEqual(['192.0.2.6']);
  });

  it('may come from an autoAssign: false pool', () => {
    const a = new Allocator({ pools: [pool('manual', ['192.0.2.0/28'], { autoAssign: false })] });
    expect(outcome(a.allocate(request('s', { requestedIPs: ['192.0.2.9'] })))).toEqual(['192.0.2.9']);
  });

  it('must match the Service family policy', () => {
    const a = allocator();
    expect(outcome(a.allocate(request('s', { requestedIPs: ['2001:db8::5'] })))).toBe(R.invalidRequest);
    expect(outcome(a.allocate(request('s', { requestedIPs: ['2001:db8::5'], primaryFamily: 6 })))).toEqual([
      '2001:db8::5',
    ]);
    expect(
      outcome(
        a.allocate(request('t', { requestedIPs: ['203.0.113.5'], ipFamilyPolicy: 'RequireDualStack' })),
      ),
    ).toBe(R.invalidRequest);
  });
});

describe('autoAssign', () => {
  it('autoAssign: false pools are used only on explicit request', () => {
    const a = new Allocator({ pools: [pool('manual', ['192.0.2.0/30'], { autoAssign: false })] });
    expect(outcome(a.allocate(request('s')))).toBe(R.noMatchingPool);
    expect(outcome(a.allocate(request('s', { pool: 'manual' })))).toEqual(['192.0.2.0']);
  });
});

describe('pool order', () => {
  const pools = [
    pool('zeta', ['192.0.2.0/32']),
    pool('alpha', ['192.0.2.1/32']),
    pool('low', ['192.0.2.2/32'], { serviceAllocation: { priority: 1, namespaces: ['ns'] } }),
    pool('high', ['192.0.2.3/32'], { serviceAllocation: { priority: 5 } }),
    pool('unset', ['192.0.2.4/32'], { serviceAllocation: { namespaces: ['ns'] } }),
    pool('zero', ['192.0.2.5/32'], { serviceAllocation: { priority: 0, namespaces: ['other'] } }),
  ];

  it('tries scoped pools by priority (lower first, unset last), then unscoped pools by name', () => {
    const a = new Allocator({ pools });
    expect(a.poolOrder()).toEqual(['zero', 'low', 'high', 'unset', 'alpha', 'zeta']);
    const got = ['s1', 's2', 's3', 's4', 's5'].map((s) => {
      const r = a.allocate(request(s));
      return r.ok ? r.allocation.pool : r.reason;
    });
    // `zero` excludes namespace ns, so it is skipped.
    expect(got).toEqual(['low', 'high', 'unset', 'alpha', 'zeta']);
  });

  it('does not depend on the order pools are given in', () => {
    const forward = new Allocator({ pools });
    const backward = new Allocator({ pools: [...pools].reverse() });
    expect(backward.poolOrder()).toEqual(forward.poolOrder());
  });
});

describe('allocation scope', () => {
  const scoped = pool('team', ['192.0.2.0/28'], {
    serviceAllocation: {
      namespaces: ['team-a'],
      namespaceSelectors: [{ matchLabels: { tier: 'gold' } }],
      serviceSelectors: [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }],
    },
  });
  const web = { serviceLabels: { app: 'web' } };

  it('admits a Service by namespace name or namespace labels, and service labels', () => {
    const a = new Allocator({ pools: [scoped] });
    expect(a.allocate(request('team-a/s', web)).ok).toBe(true);
    expect(a.allocate(request('other/s', { ...web, namespaceLabels: { tier: 'gold' } })).ok).toBe(true);
    expect(outcome(a.allocate(request('team-a/t', { serviceLabels: { app: 'db' } })))).toBe(R.noMatchingPool);
  });

  it('never uses a pool that excludes the namespace, even on explicit request', () => {
    const a = new Allocator({ pools: [scoped] });
    expect(outcome(a.allocate(request('other/s', web)))).toBe(R.noMatchingPool);
    expect(outcome(a.allocate(request('other/s', { ...web, pool: 'team' })))).toBe(
      R.poolNotAllowedForNamespace,
    );
    expect(outcome(a.allocate(request('other/s', { ...web, requestedIPs: ['192.0.2.3'] })))).toBe(
      R.poolNotAllowedForNamespace,
    );
    expect(outcome(a.assign(existing('other/s', ['192.0.2.3'], web)))).toBe(R.poolNotAllowedForNamespace);
  });

  it('refuses an explicit request whose labels match no service selector', () => {
    const a = new Allocator({ pools: [scoped] });
    expect(outcome(a.allocate(request('team-a/s', { pool: 'team' })))).toBe(R.poolNotAllowedForService);
  });

  it('an empty serviceAllocation scopes the pool without restricting it', () => {
    const a = new Allocator({
      pools: [pool('open', ['192.0.2.0/32']), pool('z', ['192.0.2.1/32'], { serviceAllocation: {} })],
    });
    expect(a.poolOrder()).toEqual(['z', 'open']);
    expect(a.allocate(request('any/s')).ok).toBe(true);
  });
});

describe('sharing', () => {
  const a = () => new Allocator({ pools: [pool('p', ['192.0.2.0/28'])] });
  const tcp = (port: number) => ({ protocol: 'TCP' as const, port });

  it.each([
    ['no sharing key on either', {}, {}, R.ipInUse],
    ['a key on one side only', { sharingKey: 'k' }, {}, R.ipInUse],
    ['different keys', { sharingKey: 'k' }, { sharingKey: 'j' }, R.ipInUse],
    [
      'same key, overlapping port',
      { sharingKey: 'k', ports: [tcp(80)] },
      { sharingKey: 'k', ports: [tcp(80)] },
      R.sharingConflict,
    ],
    [
      'same key, different backend key',
      { sharingKey: 'k', ports: [tcp(80)], backendKey: 'app=a' },
      { sharingKey: 'k', ports: [tcp(443)], backendKey: 'app=b' },
      R.sharingConflict,
    ],
    [
      'same key, disjoint ports',
      { sharingKey: 'k', ports: [tcp(80)] },
      { sharingKey: 'k', ports: [tcp(443)] },
      'shared',
    ],
    [
      'same port number, other protocol',
      { sharingKey: 'k', ports: [tcp(53)] },
      { sharingKey: 'k', ports: [{ protocol: 'UDP' as const, port: 53 }] },
      'shared',
    ],
  ])('%s', (_name, first, second, expected) => {
    const alloc = a();
    expect(alloc.allocate(request('s1', { requestedIPs: ['192.0.2.5'], ...first })).ok).toBe(true);
    const r = alloc.allocate(request('s2', { requestedIPs: ['192.0.2.5'], ...second }));
    expect(r.ok ? 'shared' : r.reason).toBe(expected);
  });

  it('automatic allocation with a sharing key joins the address already shared under it', () => {
    const alloc = a();
    alloc.allocate(request('other'));
    expect(outcome(alloc.allocate(request('s1', { sharingKey: 'k', ports: [tcp(80)] })))).toEqual([
      '192.0.2.1',
    ]);
    expect(outcome(alloc.allocate(request('s2', { sharingKey: 'k', ports: [tcp(443)] })))).toEqual([
      '192.0.2.1',
    ]);
    // a port clash means a new address
    expect(outcome(alloc.allocate(request('s3', { sharingKey: 'k', ports: [tcp(80)] })))).toEqual([
      '192.0.2.2',
    ]);
    expect(alloc.counters('p')!.ipv4.assigned).toBe(3n);
  });

  it('a shared address is freed only when its last holder releases it', () => {
    const alloc = a();
    alloc.allocate(request('s1', { requestedIPs: ['192.0.2.5'], sharingKey: 'k', ports: [tcp(80)] }));
    alloc.allocate(request('s2', { requestedIPs: ['192.0.2.5'], sharingKey: 'k', ports: [tcp(81)] }));
    expect(alloc.release('ns/s1').freed).toEqual([]);
    expect(alloc.release('ns/s2').freed.map(String)).toEqual(['192.0.2.5']);
  });

  it('a Service alone on its address may change its sharing key in place', () => {
    const alloc = a();
    alloc.allocate(request('s1', { sharingKey: 'k' }));
    const r = alloc.allocate(request('s1', { sharingKey: 'j' }));
    expect(r.ok && r.changed).toBe(true);
    expect(outcome(r)).toEqual(['192.0.2.0']);
    expect(outcome(alloc.allocate(request('s2', { sharingKey: 'j', ports: [tcp(9)] })))).toEqual([
      '192.0.2.0',
    ]);
  });

  it('a Service whose new ports clash with its co-holder moves to another address', () => {
    const alloc = a();
    alloc.allocate(request('s1', { sharingKey: 'k', ports: [tcp(80)] }));
    alloc.allocate(request('s2', { sharingKey: 'k', ports: [tcp(443)] }));
    expect(outcome(alloc.allocate(request('s2', { sharingKey: 'k', ports: [tcp(80)] })))).toEqual([
      '192.0.2.1',
    ]);
  });
});

describe('dual-stack', () => {
  const pools = [
    pool('v4only', ['192.0.2.0/30']),
    pool('w-dual', ['198.51.100.0/30', '2001:db8::/126']),
    pool('x-v6only', ['2001:db8:1::/126']),
  ];

  it('takes one address of each family from the same pool, primary family first', () => {
    const a = new Allocator({ pools });
    const r = a.allocate(request('s', { ipFamilyPolicy: 'RequireDualStack', primaryFamily: 6 }));
    expect(r.ok && r.allocation.pool).toBe('w-dual');
    expect(outcome(r)).toEqual(['2001:db8::', '198.51.100.0']);
  });

  it('PreferDualStack prefers a dual pool, then falls back to the primary, then the other family', () => {
    const a = new Allocator({
      pools: [pool('v4only', ['192.0.2.0/31']), pool('w-dual', ['198.51.100.0/32', '2001:db8::/127'])],
    });
    expect(outcome(a.allocate(request('s1', { ipFamilyPolicy: 'PreferDualStack' })))).toEqual([
      '198.51.100.0',
      '2001:db8::',
    ]);
    expect(outcome(a.allocate(request('s2', { ipFamilyPolicy: 'PreferDualStack' })))).toEqual(['192.0.2.0']);
    expect(
      outcome(a.allocate(request('s3', { ipFamilyPolicy: 'PreferDualStack', primaryFamily: 6 }))),
    ).toEqual(['2001:db8::1']);
    expect(
      outcome(a.allocate(request('s4', { ipFamilyPolicy: 'PreferDualStack', primaryFamily: 6 }))),
    ).toEqual(['192.0.2.1']);
  });

  it('RequireDualStack fails with familyUnavailable when no pool has both families', () => {
    const a = new Allocator({
      pools: [pool('v4only', ['192.0.2.0/30']), pool('v6only', ['2001:db8::/126'])],
    });
    expect(outcome(a.allocate(request('s', { ipFamilyPolicy: 'RequireDualStack' })))).toBe(
      R.familyUnavailable,
    );
  });

  it('SingleStack IPv6 without IPv6 pools fails with familyUnavailable', () => {
    const a = new Allocator({ pools: [pool('v4only', ['192.0.2.0/30'])] });
    expect(outcome(a.allocate(request('s', { primaryFamily: 6 })))).toBe(R.familyUnavailable);
  });

  it('keeps both addresses when the primary family changes, primary first', () => {
    const a = new Allocator({ pools });
    const dual = { ipFamilyPolicy: 'PreferDualStack' as const };
    expect(outcome(a.allocate(request('s', dual)))).toEqual(['198.51.100.0', '2001:db8::']);
    const flipped = a.allocate(request('s', { ...dual, primaryFamily: 6 }));
    expect(flipped.ok && flipped.changed).toBe(true);
    expect(outcome(flipped)).toEqual(['2001:db8::', '198.51.100.0']);
    const again = a.allocate(request('s', { ...dual, primaryFamily: 6 }));
    expect(again.ok && again.changed).toBe(false);
  });

  it('a single-stack allocation grows to dual-stack in its pool, and shrinks back', () => {
    const a = new Allocator({ pools });
    expect(outcome(a.allocate(request('s', { pool: 'w-dual' })))).toEqual(['198.51.100.0']);
    const grown = a.allocate(request('s', { pool: 'w-dual', ipFamilyPolicy: 'PreferDualStack' }));
    expect(grown.ok && grown.changed).toBe(true);
    expect(outcome(grown)).toEqual(['198.51.100.0', '2001:db8::']);
    expect(outcome(a.allocate(request('s', { pool: 'w-dual' })))).toEqual(['198.51.100.0']);
    expect(a.counters('w-dual')!.ipv6.assigned).toBe(0n);
  });
});

describe('reuse order', () => {
  it('does not hand back a just-released address while others are free', () => {
    const a = new Allocator({ pools: [pool('p', ['192.0.2.0/29'])] });
    for (const s of ['s0', 's1', 's2']) a.allocate(request(s));
    a.release('ns/s1');
    expect(outcome(a.allocate(request('s3')))).toEqual(['192.0.2.3']);
  });

  it('prefers never-used addresses, then those released longest ago', () => {
    const a = new Allocator({ pools: [pool('p', ['192.0.2.0/30'])] });
    for (const s of ['s0', 's1', 's2', 's3']) a.allocate(request(s));
    a.release('ns/s2');
    a.release('ns/s0');
    a.release('ns/s3');
    expect(['n1', 'n2', 'n3'].map((s) => outcome(a.allocate(request(s)))[0])).toEqual([
      '192.0.2.2',
      '192.0.2.0',
      '192.0.2.3',
    ]);
  });

  it('is deterministic for the same history', () => {
    const run = () => {
      const a = new Allocator({ pools: [pool('p', ['192.0.2.0/28']), pool('q', ['2001:db8::/124'])] });
      const out: unknown[] = [];
      for (let i = 0; i < 40; i++) {
        if (i % 3 === 2) a.release(`ns/s${i - 2}`);
        out.push(outcome(a.allocate(request(`s${i}`, { primaryFamily: i % 2 === 0 ? 4 : 6 }))));
      }
      return out;
    };
    expect(run()).toEqual(run());
  });
});

describe('results', () => {
  it('reports malformed requests as values, never throws', () => {
    const a = new Allocator({ pools: [pool('p', ['192.0.2.0/28'])] });
    const bad = [
      request('s', { requestedIPs: ['192.0.2.01'] }),
      request('s', { requestedIPs: ['192.0.2.1', '192.0.2.2'] }),
      request('s', { requestedIPs: ['192.0.2.1', '2001:db8::1', '192.0.2.3'] }),
      request('s', { ports: [{ protocol: 'TCP', port: 70000 }] }),
      { serviceKey: '', namespace: 'ns' },
    ];
    for (const r of bad) expect(outcome(a.allocate(r))).toBe(R.invalidRequest);
    expect(outcome(a.assign(existing('s', [])))).toBe(R.invalidRequest);
  });

  it('setPools refuses invalid or overlapping pools and keeps the previous set', () => {
    const a = new Allocator({ pools: [pool('p', ['192.0.2.0/28'])] });
    expect(a.setPools([pool('p', ['192.0.2.1/24'])])).toMatchObject({ ok: false, reason: 'invalidPool' });
    expect(a.setPools([pool('p', ['192.0.2.0/24']), pool('p', ['198.51.100.0/24'])])).toMatchObject({
      ok: false,
      reason: 'invalidPool',
    });
    expect(a.setPools([pool('p', ['192.0.2.0/24']), pool('q', ['192.0.2.128-192.0.3.5'])])).toMatchObject({
      ok: false,
      reason: 'poolsOverlap',
    });
    expect(a.poolOrder()).toEqual(['p']);
    expect(() => new Allocator({ pools: [pool('', [])] })).toThrow(TypeError);
  });
});

describe('huge pools', () => {
  it('works with a /64 and a /8: no address is ever listed or scanned', () => {
    const a = new Allocator({
      pools: [
        pool('big', ['2001:db8::/64', '10.0.0.0/8'], {
          avoidBuggyIPs: true,
          reservedAddresses: ['10.0.0.0/16'],
        }),
      ],
    });
    expect(
      outcome(
        a.allocate(request('last', { requestedIPs: ['2001:db8::ffff:ffff:ffff:ffff'], primaryFamily: 6 })),
      ),
    ).toEqual(['2001:db8::ffff:ffff:ffff:ffff']);
    expect(outcome(a.allocate(request('first6', { primaryFamily: 6 })))).toEqual(['2001:db8::']);
    expect(outcome(a.allocate(request('first4')))).toEqual(['10.1.0.1']);
    expect(a.counters('big')).toEqual({
      ipv4: { assigned: 1n, available: ((2n ** 24n - 2n ** 16n) * 254n) / 256n - 1n },
      ipv6: { assigned: 2n, available: 2n ** 64n - 2n },
    });
  });

  it('a whole IPv6 /1 works the same', () => {
    const a = new Allocator({ pools: [pool('half', ['8000::/1'])] });
    expect(outcome(a.allocate(request('s', { primaryFamily: 6 })))).toEqual(['8000::']);
    expect(a.counters('half')!.ipv6.available).toBe(2n ** 127n - 1n);
  });
});
