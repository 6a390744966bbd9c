import { describe, expect, it } from 'vitest';
import { buildConfig, toSpeakerConfig } from './build-config.js';
import type { ConfigObjects } from './build-config.js';
import type { Problem } from './problems.js';
import { bfdProfile, bgpAdvertisement, bgpPeer, l2Advertisement, pool } from './testing/builders.js';

const t = (n: number) => `2025-01-01T00:00:0${n}Z`;
const brief = (ps: readonly Problem[]) => ps.map((p) => `${p.kind}/${p.name} ${p.field} ${p.reason}`);

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

const full: ConfigObjects = {
  ipAddressPools: [
    pool('blue', { addresses: ['192.0.2.0/26', '2001:db8::/120'] }, { labels: { tier: 'front' } }),
    pool('green', { addresses: ['198.51.100.10-198.51.100.20'], autoAssign: false }),
  ],
  bfdProfiles: [bfdProfile('fast', { receiveInterval: 100, transmitInterval: 100 })],
  bgpPeers: [
    bgpPeer('tor-a', {
      myASN: 64512,
      peerASN: 64501,
      peerAddress: '192.0.2.254',
      bfdProfile: 'fast',
      holdTime: '9s',
    }),
    bgpPeer('rr', {
      myASN: 64512,
      peerASN: 64512,
      peerAddress: '2001:db8::fe',
      passwordSecret: { name: 'md5' },
    }),
  ],
  bgpAdvertisements: [
    bgpAdvertisement('front', {
      ipAddressPoolSelectors: [{ matchLabels: { tier: 'front' } }],
      peers: ['rr'],
      localPref: 200,
      communities: ['64512:100', 'no-export', 'large:1:2:3'],
      largeCommunities: ['64512:7:8'],
      aggregationLength: 26,
    }),
  ],
  l2Advertisements: [l2Advertisement('all', { interfaces: ['eth0'] })],
};

describe('buildConfig', () => {
  it('accepts a valid configuration and resolves references', () => {
    const r = buildConfig(undefined, deepFreeze(structuredClone(full)));
    expect(r.problems).toEqual([]);
    expect(r.objects.every((o) => o.verdict === 'valid')).toBe(true);
    const s = toSpeakerConfig(r.config);
    expect(s.pools.map((p) => p.name)).toEqual(['blue', 'green']);
    expect(s.pools[1]).toMatchObject({ autoAssign: false, avoidBuggyIPs: false });
    expect(s.pools[1]!.prefixes.map(String)).toEqual([
      '198.51.100.10/31',
      '198.51.100.12/30',
      '198.51.100.16/30',
      '198.51.100.20/32',
    ]);
    const torA = s.bgpPeers.find((p) => p.name === 'tor-a')!;
    expect(torA).toMatchObject({
      external: true,
      holdTimeSeconds: 9,
      keepaliveTimeSeconds: 3,
      connectTimeSeconds: 10,
      peerPort: 179,
    });
    expect(String(torA.peerAddress)).toBe('192.0.2.254');
    expect(s.bgpPeers.find((p) => p.name === 'rr')).toMatchObject({
      external: false,
      holdTimeSeconds: 90,
      keepaliveTimeSeconds: 30,
      password: { kind: 'secret', name: 'md5', key: 'password' },
    });
    expect(s.bgpAdvertisements[0]).toEqual({
      name: 'front',
      pools: ['blue'],
      peers: ['rr'],
      aggregationLength: 26,
      aggregationLengthV6: 128,
      localPref: 200,
      communities: [64512 * 65536 + 100, 0xffffff01],
      largeCommunities: [
        { globalAdministrator: 1, localData1: 2, localData2: 3 },
        { globalAdministrator: 64512, localData1: 7, localData2: 8 },
      ],
      nodeSelectors: [],
      serviceSelectors: [],
    });
    expect(s.l2Advertisements[0]).toMatchObject({ pools: ['blue', 'green'], interfaces: ['eth0'] });
    expect(s.bfdProfiles[0]).toMatchObject({
      receiveIntervalMs: 100,
      transmitIntervalMs: 100,
      detectMultiplier: 3,
    });
  });

  describe('overlapping pools', () => {
    it('rejects the younger pool, naming both', () => {
      const r = buildConfig(undefined, {
        ipAddressPools: [
          pool('young', { addresses: ['192.0.2.10-192.0.2.20'] }, { creationTimestamp: t(2) }),
          pool('old', { addresses: ['192.0.2.0/28'] }, { creationTimestamp: t(1) }),
        ],
      });
      expect(brief(r.problems)).toEqual(['IPAddressPool/young spec.addresses[0] overlappingAddresses']);
      expect(r.problems[0]!.message).toContain('IPAddressPool "old"');
      expect([...r.config.ipAddressPools.keys()]).toEqual(['old']);
    });

    it('keeps the pool already in effect even when it is younger', () => {
      const young = pool('young', { addresses: ['192.0.2.0/28'] }, { creationTimestamp: t(2) });
      const before = buildConfig(undefined, { ipAddressPools: [young] });
      const old = pool('old', { addresses: ['192.0.2.0/24'] }, { creationTimestamp: t(1) });
      const r = buildConfig(before.config, { ipAddressPools: [young, old] });
      expect(brief(r.problems)).toEqual(['IPAddressPool/old spec.addresses[0] overlappingAddresses']);
      expect([...r.config.ipAddressPools.keys()]).toEqual(['young']);
    });

    it('a pool changed into an overlap keeps its previous version', () => {
      const a1 = pool('a', { addresses: ['192.0.2.0/28'] }, { generation: 1 });
      const b = pool('b', { addresses: ['192.0.2.16/28'] });
      const before = buildConfig(undefined, { ipAddressPools: [a1, b] });
      const a2 = pool('a', { addresses: ['192.0.2.0/27'] }, { generation: 2 });
      const r = buildConfig(before.config, { ipAddressPools: [a2, b] });
      expect(r.objects.find((o) => o.name === 'a')).toMatchObject({
        verdict: 'previousVersion',
        generation: 2,
        effectiveGeneration: 1,
      });
      expect(r.config.ipAddressPools.get('a')!.config.ranges.map(String)).toEqual(['192.0.2.0-192.0.2.15']);
    });

    it('rejects entries of one pool that overlap each other', () => {
      const r = buildConfig(undefined, {
        ipAddressPools: [pool('p', { addresses: ['192.0.2.0/24', '192.0.2.7'] })],
      });
      expect(brief(r.problems)).toEqual(['IPAddressPool/p spec.addresses[1] overlappingAddresses']);
    });
  });

  describe('last valid configuration per object', () => {
    it('keeps the previous version of a pool whose new spec is invalid, and recovers when fixed', () => {
      const v1 = pool('p', { addresses: ['192.0.2.0/28'] });
      const before = buildConfig(undefined, { ipAddressPools: [v1] });
      const v2 = pool('p', { addresses: ['192.0.2.1/28'] }); // host bits set
      const during = buildConfig(before.config, { ipAddressPools: [v2] });
      expect(brief(during.problems)).toEqual(['IPAddressPool/p spec.addresses[0] invalidAddress']);
      expect(during.objects[0]!.verdict).toBe('previousVersion');
      expect(during.config.ipAddressPools.get('p')!.object).toBe(
        before.config.ipAddressPools.get('p')!.object,
      );
      const v3 = pool('p', { addresses: ['192.0.2.0/27'] });
      const after = buildConfig(during.config, { ipAddressPools: [v3] });
      expect(after.problems).toEqual([]);
      expect(after.config.ipAddressPools.get('p')!.config.ranges.map(String)).toEqual([
        '192.0.2.0-192.0.2.31',
      ]);
    });

    it('an invalid object with no previous version is rejected', () => {
      const r = buildConfig(undefined, { ipAddressPools: [pool('p', { addresses: ['10.0.0.1/8'] })] });
      expect(r.objects[0]!.verdict).toBe('rejected');
      expect(r.config.ipAddressPools.size).toBe(0);
    });

    it('a deleted object is gone, whatever the previous configuration held', () => {
      const before = buildConfig(undefined, { ipAddressPools: [pool('p', { addresses: ['192.0.2.0/28'] })] });
      expect(buildConfig(before.config, {}).config.ipAddressPools.size).toBe(0);
    });
  });

  describe('references', () => {
    it('a BGPAdvertisement naming a missing peer is rejected until the peer exists', () => {
      const objs: ConfigObjects = {
        ipAddressPools: [pool('p', { addresses: ['192.0.2.0/28'] })],
        bgpAdvertisements: [bgpAdvertisement('ad', { peers: ['tor'] })],
      };
      const r1 = buildConfig(undefined, objs);
      expect(brief(r1.problems)).toEqual(['BGPAdvertisement/ad spec.peers[0] missingPeer']);
      expect(r1.problems[0]!.message).toBe('BGPPeer "tor" does not exist');
      const r2 = buildConfig(r1.config, {
        ...objs,
        bgpPeers: [bgpPeer('tor', { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.254' })],
      });
      expect(r2.problems).toEqual([]);
      expect(r2.config.bgpAdvertisements.get('ad')!.config.peers).toEqual(['tor']);
    });

    it('a reference to an invalid pool says so', () => {
      const r = buildConfig(undefined, {
        ipAddressPools: [pool('p', { addresses: ['nope'] })],
        l2Advertisements: [l2Advertisement('l2', { ipAddressPools: ['p', 'q'] })],
      });
      const l2 = r.problems.filter((p) => p.kind === 'L2Advertisement');
      expect(l2.map((p) => [p.field, p.message])).toEqual([
        ['spec.ipAddressPools[0]', 'IPAddressPool "p" is not valid'],
        ['spec.ipAddressPools[1]', 'IPAddressPool "q" does not exist'],
      ]);
    });

    it('a BGPPeer whose BFD profile is missing is rejected, and so is its previous version', () => {
      const peer = bgpPeer('tor', { myASN: 1, peerASN: 2, peerAddress: '192.0.2.1', bfdProfile: 'fast' });
      const before = buildConfig(undefined, { bgpPeers: [peer], bfdProfiles: [bfdProfile('fast')] });
      expect(before.problems).toEqual([]);
      const r = buildConfig(before.config, { bgpPeers: [peer] });
      expect(brief(r.problems)).toEqual(['BGPPeer/tor spec.bfdProfile missingBFDProfile']);
      expect(r.objects[0]!.verdict).toBe('rejected');
    });

    it('pool selectors that match nothing are a warning', () => {
      const r = buildConfig(undefined, {
        ipAddressPools: [pool('p', { addresses: ['192.0.2.0/28'] })],
        l2Advertisements: [l2Advertisement('l2', { ipAddressPoolSelectors: [{ matchLabels: { x: 'y' } }] })],
      });
      expect(brief(r.problems)).toEqual(['L2Advertisement/l2 spec.ipAddressPoolSelectors noMatchingPools']);
      expect(r.objects.find((o) => o.kind === 'L2Advertisement')!.verdict).toBe('valid');
    });
  });

  describe('BGP advertisements', () => {
    const peers = [
      bgpPeer('ebgp', { myASN: 64512, peerASN: 64999, peerAddress: '192.0.2.1' }),
      bgpPeer('ibgp', { myASN: 64512, peerASN: 64512, peerAddress: '192.0.2.2' }),
    ];
    const pools = [pool('p', { addresses: ['192.0.2.64/26', '2001:db8::/64'] })];

    it.each([
      [{ aggregationLength: 24 }, 'spec.aggregationLength'],
      [{ aggregationLengthV6: 48 }, 'spec.aggregationLengthV6'],
    ])('rejects an aggregation length that does not fit the pool (%j)', (spec, field) => {
      const r = buildConfig(undefined, {
        ipAddressPools: pools,
        bgpPeers: peers,
        bgpAdvertisements: [bgpAdvertisement('a', spec)],
      });
      expect(brief(r.problems)).toEqual([`BGPAdvertisement/a ${field} aggregationLengthTooShort`]);
    });

    it('accepts aggregation lengths at or inside the pool prefixes', () => {
      const r = buildConfig(undefined, {
        ipAddressPools: pools,
        bgpPeers: peers,
        bgpAdvertisements: [bgpAdvertisement('a', { aggregationLength: 26, aggregationLengthV6: 64 })],
      });
      expect(r.problems).toEqual([]);
    });

    it('warns about localPref towards eBGP peers but keeps the advertisement', () => {
      const r = buildConfig(undefined, {
        ipAddressPools: pools,
        bgpPeers: peers,
        bgpAdvertisements: [bgpAdvertisement('a', { localPref: 50 })],
      });
      expect(r.problems.map((p) => [p.reason, p.severity])).toEqual([['localPrefOnEBGP', 'warning']]);
      expect(r.problems[0]!.message).toContain('"ebgp"');
      expect(r.objects.find((o) => o.kind === 'BGPAdvertisement')!.verdict).toBe('valid');
    });

    it('rejects conflicting local preferences for the same pool, peer and nodes (the younger one)', () => {
      const r = buildConfig(undefined, {
        ipAddressPools: pools,
        bgpPeers: peers,
        bgpAdvertisements: [
          bgpAdvertisement('b', { localPref: 100, peers: ['ibgp'] }, { creationTimestamp: t(2) }),
          bgpAdvertisement('a', { localPref: 200, peers: ['ibgp'] }, { creationTimestamp: t(1) }),
          bgpAdvertisement('c', {
            localPref: 300,
            peers: ['ibgp'],
            nodeSelectors: [{ matchLabels: { r: '1' } }],
          }),
          bgpAdvertisement('d', {
            localPref: 300,
            peers: ['ibgp'],
            nodeSelectors: [{ matchLabels: { r: '2' } }],
          }),
        ],
      });
      // c (no creation time: oldest) is accepted first; a and b overlap it (all nodes), d does not.
      expect(brief(r.problems.filter((p) => p.severity === 'error'))).toEqual([
        'BGPAdvertisement/a spec.localPref localPrefConflict',
        'BGPAdvertisement/b spec.localPref localPrefConflict',
      ]);
    });

    it('rejects service selectors with aggregation', () => {
      const r = buildConfig(undefined, {
        ipAddressPools: pools,
        bgpAdvertisements: [
          bgpAdvertisement('a', { aggregationLength: 26, serviceSelectors: [{ matchLabels: { a: 'b' } }] }),
        ],
      });
      expect(brief(r.problems)).toEqual([
        'BGPAdvertisement/a spec.serviceSelectors selectorsWithAggregation',
      ]);
    });
  });

  describe('BGPPeer checks', () => {
    const base = { myASN: 64512, peerASN: 64513, peerAddress: '192.0.2.1' };
    it.each([
      [{ holdTime: '2s' }, 'spec.holdTime invalidTimer'],
      [{ holdTime: '90s', keepaliveTime: '100s' }, 'spec.keepaliveTime invalidTimer'],
      [{ holdTime: '0s', keepaliveTime: '10s' }, 'spec.keepaliveTime invalidTimer'],
      [{ holdTime: '1500ms' }, 'spec.holdTime invalidTimer'],
      [{ connectTime: '0s' }, 'spec.connectTime invalidTimer'],
      [{ gracefulRestartTime: '5000s' }, 'spec.gracefulRestartTime invalidTimer'],
      [{ myASN: 23456 }, 'spec.myASN reservedASN'],
      [{ peerASN: 4294967295 }, 'spec.peerASN reservedASN'],
      [{ password: 'x', passwordSecret: { name: 's' } }, 'spec.passwordSecret passwordConflict'],
      [{ peerASN: 64512, ebgpMultiHop: true }, 'spec.ebgpMultiHop multiHopOnIBGP'],
      [{ sourceAddress: '2001:db8::1' }, 'spec.sourceAddress addressFamilyMismatch'],
      [{ peerAddress: '192.0.2.01' }, 'spec.peerAddress invalidAddress'],
      [{ peerAddress: '192.0.2.1/32' }, 'spec.peerAddress schemaViolation'],
      [{ routerID: '2001:db8::1' }, 'spec.routerID schemaViolation'],
      [{ peerAddress: '1::2::3' }, 'spec.peerAddress invalidAddress'],
      [
        { nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' as const }] }] },
        'spec.nodeSelectors[0].matchExpressions[0].values invalidSelector',
      ],
      [{ peerPort: 70000 }, 'spec.peerPort schemaViolation'],
    ])('%j: %s', (over, expected) => {
      const r = buildConfig(undefined, { bgpPeers: [bgpPeer('p', { ...base, ...over })] });
      expect(brief(r.problems)).toEqual([`BGPPeer/p ${expected}`]);
    });

    it.each([
      [{}, 90, 30],
      [{ holdTime: '30s' }, 30, 10],
      [{ keepaliveTime: '20s' }, 60, 20],
      [{ holdTime: '3s', keepaliveTime: '1s' }, 3, 1],
      [{ holdTime: '0s' }, 0, 0],
      [{ holdTime: '1m30s' }, 90, 30],
    ])('timers %j give hold %i and keepalive %i', (over, hold, keepalive) => {
      const r = buildConfig(undefined, { bgpPeers: [bgpPeer('p', { ...base, ...over })] });
      expect(r.problems).toEqual([]);
      expect(r.config.bgpPeers.get('p')!.config).toMatchObject({
        holdTimeSeconds: hold,
        keepaliveTimeSeconds: keepalive,
      });
    });

    it('rejects the younger of two peers to the same router from the same nodes', () => {
      const r = buildConfig(undefined, {
        bgpPeers: [
          bgpPeer('b', base, { creationTimestamp: t(2) }),
          bgpPeer('a', base, { creationTimestamp: t(1) }),
          bgpPeer(
            'c',
            { ...base, nodeSelectors: [{ matchLabels: { rack: '1' } }] },
            { creationTimestamp: t(3) },
          ),
        ],
      });
      expect(brief(r.problems)).toEqual(['BGPPeer/b spec.peerAddress duplicatePeer']);
    });
  });

  describe('pool checks', () => {
    it.each([
      [{ addresses: ['192.0.2.1/24'] }, 'spec.addresses[0] invalidAddress'],
      [{ addresses: ['192.0.2.9-192.0.2.1'] }, 'spec.addresses[0] invalidAddress'],
      [{ addresses: ['192.0.2.300/24'] }, 'spec.addresses[0] invalidAddress'],
      [{ addresses: ['192.0.2.0/24, 10.0.0.0/8'] }, 'spec.addresses[0] schemaViolation'],
      [{ addresses: [] }, 'spec.addresses schemaViolation'],
      [
        { addresses: ['192.0.2.0/28'], reservedAddresses: ['198.51.100.1'] },
        'spec.reservedAddresses[0] reservedOutsidePool',
      ],
      [
        { addresses: ['192.0.2.0/30'], reservedAddresses: ['192.0.2.0/30'] },
        'spec.reservedAddresses noUsableAddresses',
      ],
      [
        {
          addresses: ['192.0.2.0/28'],
          serviceAllocation: { serviceSelectors: [{ matchLabels: { 'bad key!': 'x' } }] },
        },
        'spec.serviceAllocation.serviceSelectors[0].matchLabels invalidSelector',
      ],
      [
        {
          addresses: ['192.0.2.0/28'],
          serviceAllocation: { serviceSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] },
        },
        'spec.serviceAllocation.serviceSelectors[1] duplicateEntry',
      ],
    ])('%j: %s', (spec, expected) => {
      const r = buildConfig(undefined, { ipAddressPools: [pool('p', spec as never)] });
      expect(brief(r.problems)).toEqual([`IPAddressPool/p ${expected}`]);
    });

    it('reports schema violations with the field and what is wrong', () => {
      const r = buildConfig(undefined, {
        ipAddressPools: [
          pool('p', { addresses: ['192.0.2.0/28'], autoAssign: 'yes', colour: 'blue' } as never),
        ],
      });
      expect(r.problems.map((p) => p.message)).toEqual([
        'spec.autoAssign must be a boolean, not string',
        'spec.colour is not a known field',
      ]);
    });
  });
});
