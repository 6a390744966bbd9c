import { describe, expect, it } from 'vitest';
import { l2Advertisement, pool } from '@ironlb/config/testing';
import type { ConfigObjects } from '@ironlb/config';
import { Planner } from './planner.js';
import { nodeView, serviceView, sliceView, speakerConfigOf } from './testing/builders.js';
import type { NodeView, ServiceView } from './model.js';
import type { SliceView } from './kube-objects.js';

const NODES = ['node1', 'node2', 'node3'];

const l2Objects: ConfigObjects = {
  ipAddressPools: [
    pool('l2', { addresses: ['198.51.100.0/24', '2001:db8:100::/64'] }),
    pool('bgp', { addresses: ['203.0.113.0/24'] }),
  ],
  l2Advertisements: [l2Advertisement('l2', { ipAddressPools: ['l2'] })],
};

interface World {
  config?: ConfigObjects;
  nodes?: NodeView[];
  services?: ServiceView[];
  slices?: SliceView[];
  up?: string[];
}

function plannerFor(self: string, world: World): Planner {
  const p = new Planner({ self });
  p.setConfig(speakerConfigOf(world.config ?? l2Objects));
  for (const n of world.nodes ?? NODES.map((n) => nodeView(n))) p.upsertNode(n);
  for (const s of world.services ?? []) p.upsertService(s);
  for (const s of world.slices ?? []) p.upsertSlice(s);
  for (const m of world.up ?? NODES) p.setMemberUp(m, true);
  p.plan();
  return p;
}

/** Every node's planner over the same world: who announces what. */
function owners(world: World): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const n of NODES) {
    const p = plannerFor(n, world);
    for (const ip of p.l2Announced().keys()) out.set(ip, [...(out.get(ip) ?? []), n]);
  }
  return out;
}

const many = (n: number) =>
  Array.from({ length: n }, (_, i) => serviceView(`default/svc${i}`, [`198.51.100.${i + 1}`]));
const everywhere = (services: ServiceView[]) => services.map((s) => sliceView(s.key, NODES));

describe('layer-2 eligibility reasons (node1)', () => {
  const svc = serviceView('default/web', ['198.51.100.10']);
  const reason = (world: World, ip = '198.51.100.10') => plannerFor('node1', world).decision(ip)!.l2.reason;
  const served = [sliceView('default/web', ['node1'])];

  it.each<[string, World, string]>([
    ['announces', { services: [svc], slices: served, up: [] }, 'owner'],
    [
      'address in no pool',
      {
        services: [svc],
        slices: served,
        config: { ...l2Objects, ipAddressPools: [pool('l2', { addresses: ['198.51.101.0/24'] })] },
      },
      'noPool',
    ],
    ['no endpoint anywhere', { services: [svc], slices: [] }, 'noServingEndpoints'],
    [
      'node not ready',
      { services: [svc], slices: served, nodes: [nodeView('node1', { ready: false })] },
      'nodeNotReady',
    ],
    [
      'network unavailable',
      { services: [svc], slices: served, nodes: [nodeView('node1', { networkUnavailable: true })] },
      'nodeNetworkUnavailable',
    ],
    [
      'excluded',
      { services: [svc], slices: served, nodes: [nodeView('node1', { excluded: true })] },
      'nodeExcluded',
    ],
    ['no Node object', { services: [svc], slices: served, nodes: [nodeView('node2')] }, 'nodeUnknown'],
    [
      'no advertisement',
      { services: [svc], slices: served, config: { ...l2Objects, l2Advertisements: [] } },
      'noAdvertisement',
    ],
    [
      'advertisement for other nodes',
      {
        services: [svc],
        slices: served,
        config: {
          ...l2Objects,
          l2Advertisements: [
            l2Advertisement('l2', {
              ipAddressPools: ['l2'],
              nodeSelectors: [{ matchLabels: { 'kubernetes.io/hostname': 'node2' } }],
            }),
          ],
        },
      },
      'nodeNotSelected',
    ],
    [
      'Local policy, endpoints elsewhere',
      {
        services: [serviceView('default/web', ['198.51.100.10'], { local: true })],
        slices: [sliceView('default/web', ['node2'])],
      },
      'noEndpointsOnNode',
    ],
    [
      'service selector not matching',
      {
        services: [svc],
        slices: served,
        config: {
          ...l2Objects,
          l2Advertisements: [
            l2Advertisement('l2', {
              ipAddressPools: ['l2'],
              serviceSelectors: [{ matchLabels: { tier: 'edge' } }],
            }),
          ],
        },
      },
      'noAdvertisement',
    ],
  ])('%s', (_, world, expected) => {
    expect(reason(world)).toBe(expected);
  });

  it('another live node ranking first: notOwner; its speaker down: owner', () => {
    const world = { services: [svc], slices: everywhere([svc]) };
    const ranking = plannerFor('node1', world).decision('198.51.100.10')!.l2.ranking;
    const first = ranking[0]!;
    const other = NODES.find((n) => n !== first)!;
    expect(plannerFor(other, world).decision('198.51.100.10')!.l2.reason).toBe('notOwner');
    expect(
      plannerFor(other, { ...world, up: NODES.filter((n) => n !== first) }).decision('198.51.100.10')!.l2
        .owner,
    ).toBe(ranking[1]);
  });
});

describe('layer-2 election across speakers', () => {
  it('gives every address exactly one owner, spread over the nodes', () => {
    const services = many(60);
    const result = owners({ services, slices: everywhere(services) });
    expect(result.size).toBe(60);
    for (const list of result.values()) expect(list).toHaveLength(1);
    const perNode = NODES.map((n) => [...result.values()].filter((l) => l[0] === n).length);
    for (const c of perNode) expect(c).toBeGreaterThan(8);
  });

  it('keeps the two addresses of a dual-stack Service and shared addresses on one node', () => {
    const services: ServiceView[] = [];
    for (let i = 1; i <= 30; i++) {
      services.push(serviceView(`default/ds${i}`, [`198.51.100.${i}`, `2001:db8:100::${i}`]));
      services.push(serviceView(`default/shared${i}`, [`198.51.100.${i}`]));
      services.push(serviceView(`other/v6only${i}`, [`2001:db8:100::${i}`]));
    }
    const result = owners({ services, slices: everywhere(services) });
    for (let i = 1; i <= 30; i++) {
      expect(result.get(`198.51.100.${i}`)).toHaveLength(1);
      expect(result.get(`2001:db8:100::${i}`)).toEqual(result.get(`198.51.100.${i}`));
    }
  });

  it('prefers nodes by preferredNodeSelectors weight', () => {
    const config: ConfigObjects = {
      ...l2Objects,
      l2Advertisements: [
        l2Advertisement('l2', {
          ipAddressPools: ['l2'],
          preferredNodeSelectors: [{ weight: 50, preference: { matchLabels: { zone: 'b' } } }],
        }),
      ],
    };
    const nodes = [nodeView('node1'), nodeView('node2', { labels: { zone: 'b' } }), nodeView('node3')];
    const services = many(20);
    const result = owners({ config, nodes, services, slices: everywhere(services) });
    for (const list of result.values()) expect(list).toEqual(['node2']);
  });
});

describe('membership changes', () => {
  const services = many(90);
  const world: World = { services, slices: everywhere(services) };

  it('a speaker going down moves only its addresses, elected again without re-evaluation', () => {
    const p = plannerFor('node1', world);
    const ownedBy = (n: string) => [...p.addresses()].filter((ip) => p.owner(ip) === n);
    const node2Had = ownedBy('node2');
    const node1Had = new Set(ownedBy('node1'));
    p.setMemberUp('node2', false);
    const delta = p.plan();
    expect(delta.evaluated).toBe(0);
    expect(delta.elected).toBe(node2Had.length);
    for (const c of delta.changes) {
      expect(node2Had).toContain(c.ip);
      expect(c).toMatchObject({ protocol: 'layer2', before: undefined, reason: 'owner', from: 'node2' });
    }
    for (const ip of node1Had) expect(p.owner(ip)).toBe('node1');
    expect(ownedBy('node2')).toEqual([]);
    // Back up: exactly the same addresses return to node2.
    p.setMemberUp('node2', true);
    const back = p.plan();
    expect(back.changes.map((c) => c.ip).sort()).toEqual(delta.changes.map((c) => c.ip).sort());
    expect(back.changes.every((c) => c.after === undefined && c.reason === 'notOwner')).toBe(true);
    expect(ownedBy('node2').sort()).toEqual([...node2Had].sort());
  });

  it('without quorum (hold policy) keeps what it announces and takes nothing over', () => {
    const p = plannerFor('node1', world);
    const mine = [...p.l2Announced().keys()];
    p.setClaimGate('noQuorum');
    p.setMemberUp('node2', false);
    p.setMemberUp('node3', false);
    const delta = p.plan();
    expect(delta.changes).toEqual([]);
    expect([...p.l2Announced().keys()]).toEqual(mine);
    const blocked = [...p.addresses()].filter((ip) => p.decision(ip)!.l2.reason === 'noQuorum');
    expect(blocked.length).toBe(90 - mine.length);
    p.setClaimGate(undefined);
    expect(p.plan().changes.length).toBe(blocked.length);
    expect(p.l2Announced().size).toBe(90);
  });

  it('the ignore policy claims without quorum', () => {
    const p = new Planner({ self: 'node1', quorumPolicy: 'ignore' });
    p.setConfig(speakerConfigOf(l2Objects));
    for (const n of NODES) p.upsertNode(nodeView(n));
    for (const s of services) p.upsertService(s);
    for (const s of everywhere(services)) p.upsertSlice(s);
    p.setClaimGate('noQuorum');
    p.plan();
    expect(p.l2Announced().size).toBe(90);
    p.setClaimGate('settling');
    p.upsertService(serviceView('default/new', ['198.51.100.200']));
    p.upsertSlice(sliceView('default/new', NODES));
    p.plan();
    expect(p.decision('198.51.100.200')!.l2.reason).toBe('settling');
  });

  it('yields an address to a higher-ranked speaker and takes it back', () => {
    const p = plannerFor('node1', world);
    const ip = [...p.l2Announced().keys()][0]!;
    p.setYielded(ip, true);
    expect(p.plan().changes).toMatchObject([{ ip, after: undefined, reason: 'yielded' }]);
    p.setYielded(ip, false);
    expect(p.plan().changes).toMatchObject([{ ip, before: undefined, reason: 'owner' }]);
  });
});

describe('new allocations and takeovers', () => {
  it('marks addresses nobody owned before as unclaimed (probe first), takeovers not', () => {
    const p = plannerFor('node1', { services: [], slices: [] });
    p.markSynced();
    const services = many(30);
    for (const s of services) p.upsertService(s);
    for (const s of everywhere(services)) p.upsertSlice(s);
    const first = p.plan();
    expect([...first.unclaimed].sort()).toEqual([...p.l2Announced().keys()].sort());
    const taken = [...p.addresses()].filter((ip) => p.owner(ip) === 'node2');
    p.setMemberUp('node2', false);
    const delta = p.plan();
    expect(delta.unclaimed).toEqual([]);
    expect(delta.changes.length).toBeGreaterThan(0);
    for (const c of delta.changes) expect(taken).toContain(c.ip);
    expect(delta.changes.every((c) => c.from === 'node2')).toBe(true);
  });
});

describe('layer-2 interfaces', () => {
  it('unites the interfaces of the advertisements selecting this node', () => {
    const config: ConfigObjects = {
      ...l2Objects,
      l2Advertisements: [
        l2Advertisement('a', { ipAddressPools: ['l2'], interfaces: ['eth1', 'eth0'] }),
        l2Advertisement('b', {
          ipAddressPools: ['l2'],
          interfaces: ['bond0'],
          nodeSelectors: [{ matchLabels: { 'kubernetes.io/hostname': 'node9' } }],
        }),
      ],
    };
    const svc = serviceView('default/web', ['198.51.100.10']);
    const p = plannerFor('node1', {
      config,
      services: [svc],
      slices: [sliceView(svc.key, ['node1'])],
      up: [],
    });
    expect(p.l2Owned()).toEqual(
      new Map([
        ['eth0', ['198.51.100.10']],
        ['eth1', ['198.51.100.10']],
      ]),
    );
  });
});
