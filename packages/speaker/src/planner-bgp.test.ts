import { describe, expect, it } from 'vitest';
import { bgpAdvertisement, bgpPeer, pool } from '@ironlb/config/testing';
import type { ConfigObjects } from '@ironlb/config';
import { Planner } from './planner.js';
import { nodeView, serviceView, sliceView, speakerConfigOf } from './testing/builders.js';

const peers = [
  bgpPeer('tor-a', { myASN: 64513, peerASN: 64512, peerAddress: '192.0.2.1' }),
  bgpPeer('tor-b', { myASN: 64513, peerASN: 64513, peerAddress: '192.0.2.2' }),
  bgpPeer('rack2', {
    myASN: 64513,
    peerASN: 64512,
    peerAddress: '192.0.2.3',
    nodeSelectors: [{ matchLabels: { rack: '2' } }],
  }),
];

const objects = (ads: ConfigObjects['bgpAdvertisements']): ConfigObjects => ({
  ipAddressPools: [
    pool('public', { addresses: ['203.0.113.0/24', '2001:db8:200::/64'] }),
    pool('internal', { addresses: ['198.51.100.0/24'] }, { labels: { scope: 'internal' } }),
  ],
  bgpPeers: peers,
  bgpAdvertisements: ads,
});

function planner(ads: ConfigObjects['bgpAdvertisements'], labels: Record<string, string> = {}): Planner {
  const p = new Planner({ self: 'node1' });
  p.setConfig(speakerConfigOf(objects(ads)));
  p.upsertNode(nodeView('node1', { labels }));
  p.upsertNode(nodeView('node2'));
  return p;
}

describe('BGP advertisements of this node', () => {
  it('advertises each address to the peers of each matching advertisement, with its attributes', () => {
    const p = planner([
      bgpAdvertisement('all', { ipAddressPools: ['public'], communities: ['64512:100', 'no-export'] }),
      bgpAdvertisement('ibgp', {
        ipAddressPools: ['public'],
        peers: ['tor-b'],
        localPref: 200,
        largeCommunities: ['64512:1:2'],
      }),
    ]);
    p.upsertService(serviceView('default/web', ['203.0.113.10', '2001:db8:200::10']));
    p.upsertSlice(sliceView('default/web', ['node2']));
    const delta = p.plan();
    expect(delta.bgpPeersChanged).toEqual(['tor-a', 'tor-b']);
    expect(p.bgpAdvertisements('tor-a')).toEqual([
      { prefix: '203.0.113.10/32', communities: [4227858532, 4294967041] },
      { prefix: '2001:db8:200::10/128', communities: [4227858532, 4294967041] },
    ]);
    expect(p.bgpAdvertisements('tor-b')).toContainEqual({
      prefix: '203.0.113.10/32',
      communities: [4227858532, 4294967041],
      largeCommunities: [{ globalAdministrator: 64512, localData1: 1, localData2: 2 }],
      localPref: 200,
    });
    expect(p.bgpAdvertisements('rack2')).toEqual([]);
    expect(delta.changes).toContainEqual({
      ip: '203.0.113.10',
      protocol: 'bgp',
      before: undefined,
      after: { services: ['default/web'], peers: ['tor-a', 'tor-b'] },
      reason: 'advertised',
    });
  });

  it('aggregates addresses into one prefix and withdraws it with the last one', () => {
    const p = planner([bgpAdvertisement('agg', { ipAddressPools: ['internal'], aggregationLength: 24 })]);
    for (const i of [1, 2]) {
      p.upsertService(serviceView(`default/s${i}`, [`198.51.100.${i}`]));
      p.upsertSlice(sliceView(`default/s${i}`, ['node1']));
    }
    p.plan();
    expect(p.bgpAdvertisements('tor-a')).toEqual([{ prefix: '198.51.100.0/24' }]);
    p.deleteService('default/s1');
    expect(p.plan().bgpPeersChanged).toEqual([]);
    p.deleteService('default/s2');
    const delta = p.plan();
    expect(delta.bgpPeersChanged).toEqual(['tor-a', 'tor-b']);
    expect(delta.changes.map((c) => [c.ip, c.reason])).toEqual([['198.51.100.2', 'serviceDeleted']]);
    expect(p.bgpAdvertisements('tor-a')).toEqual([]);
  });

  it('peers with the routers whose node selectors select this node', () => {
    const p = planner([bgpAdvertisement('all', { ipAddressPools: ['public'] })], { rack: '2' });
    p.upsertService(serviceView('default/web', ['203.0.113.10']));
    p.upsertSlice(sliceView('default/web', ['node2']));
    p.plan();
    expect([...p.activePeers()].sort()).toEqual(['rack2', 'tor-a', 'tor-b']);
    expect(p.bgpAdvertisements('rack2')).toEqual([{ prefix: '203.0.113.10/32' }]);
  });

  it('withdraws the moment this node stops being eligible', () => {
    const p = planner([bgpAdvertisement('all', { ipAddressPools: ['public'] })]);
    p.upsertService(serviceView('default/web', ['203.0.113.10'], { local: true }));
    p.upsertSlice(sliceView('default/web', ['node1', 'node2']));
    p.plan();
    expect(p.bgpPrefixCount('tor-a')).toBe(1);
    // Local policy, the endpoint on this node goes away.
    p.upsertSlice(sliceView('default/web', ['node2']));
    expect(p.plan().changes).toMatchObject([
      { ip: '203.0.113.10', after: undefined, reason: 'noEndpointsOnNode' },
    ]);
    p.upsertSlice(sliceView('default/web', ['node1']));
    p.plan();
    expect(p.bgpPrefixCount('tor-a')).toBe(1);
    // The node gets the exclusion label.
    p.upsertNode(nodeView('node1', { excluded: true }));
    expect(p.plan().changes).toMatchObject([
      { ip: '203.0.113.10', after: undefined, reason: 'nodeExcluded' },
    ]);
    p.upsertNode(nodeView('node1'));
    p.plan();
    // No endpoint anywhere.
    p.deleteSlice('default/web-slice');
    expect(p.plan().changes).toMatchObject([{ after: undefined, reason: 'noServingEndpoints' }]);
    expect(p.bgpPrefixCount('tor-a')).toBe(0);
  });

  it.each([
    [
      'no advertisement for the pool',
      [bgpAdvertisement('x', { ipAddressPools: ['internal'] })],
      'noAdvertisement',
    ],
    [
      'advertisement for other nodes',
      [
        bgpAdvertisement('x', {
          ipAddressPools: ['public'],
          nodeSelectors: [{ matchLabels: { rack: '9' } }],
        }),
      ],
      'nodeNotSelected',
    ],
    [
      'only to a peer of other nodes',
      [bgpAdvertisement('x', { ipAddressPools: ['public'], peers: ['rack2'] })],
      'noPeer',
    ],
  ] as const)('reason: %s', (_, ads, reason) => {
    const p = planner([...ads]);
    p.upsertService(serviceView('default/web', ['203.0.113.10']));
    p.upsertSlice(sliceView('default/web', ['node1']));
    p.plan();
    expect(p.decision('203.0.113.10')!.bgp.reason).toBe(reason);
  });
});
