// The incremental planner gives the same answer as planning everything from scratch, whatever
// the order of changes: Services, EndpointSlices, Nodes, membership and configuration.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bgpAdvertisement, bgpPeer, l2Advertisement, pool } from '@ironlb/config/testing';
import type { SpeakerConfig } from '@ironlb/config';
import { planAnnouncements } from './plan.js';
import { Planner } from './planner.js';
import type { SliceView } from './kube-objects.js';
import type { NodeView, ServiceView } from './model.js';
import { nodeView, serviceView, sliceView, speakerConfigOf } from './testing/builders.js';

const NODES = ['node1', 'node2', 'node3', 'node4'];
const IPS = [
  '198.51.100.1',
  '198.51.100.2',
  '198.51.100.3',
  '2001:db8:100::1',
  '2001:db8:100::2',
  '203.0.113.5',
];

const pools = [
  pool('l2', { addresses: ['198.51.100.0/24', '2001:db8:100::/64'] }),
  pool('bgp', { addresses: ['203.0.113.0/24'] }),
];
const peers = [
  bgpPeer('r1', { myASN: 64513, peerASN: 64512, peerAddress: '192.0.2.1' }),
  bgpPeer('r2', {
    myASN: 64513,
    peerASN: 64512,
    peerAddress: '192.0.2.2',
    nodeSelectors: [{ matchLabels: { rack: 'b' } }],
  }),
];
const configs: SpeakerConfig[] = [
  speakerConfigOf({
    ipAddressPools: pools,
    bgpPeers: peers,
    l2Advertisements: [l2Advertisement('all', { ipAddressPools: ['l2'] })],
    bgpAdvertisements: [
      bgpAdvertisement('all', {}),
      bgpAdvertisement('agg', { ipAddressPools: ['bgp'], aggregationLength: 24, communities: ['1:1'] }),
    ],
  }),
  speakerConfigOf({
    ipAddressPools: pools,
    bgpPeers: peers,
    l2Advertisements: [
      l2Advertisement('a', {
        ipAddressPools: ['l2'],
        nodeSelectors: [{ matchLabels: { rack: 'a' } }],
        preferredNodeSelectors: [{ weight: 5, preference: { matchLabels: { zone: 'z1' } } }],
      }),
      l2Advertisement('b', {
        ipAddressPools: ['l2'],
        serviceSelectors: [{ matchLabels: { app: 'x' } }],
        interfaces: ['eth1'],
      }),
    ],
    bgpAdvertisements: [bgpAdvertisement('r2only', { peers: ['r2'], localPref: 50 })],
  }),
];

type Op =
  | { t: 'svc'; i: number; ips: string[]; local: boolean; app: boolean }
  | { t: 'delSvc'; i: number }
  | { t: 'slice'; i: number; nodes: string[] }
  | { t: 'delSlice'; i: number }
  | { t: 'node'; n: string; ready: boolean; excluded: boolean; rack: 'a' | 'b'; zone: boolean }
  | { t: 'delNode'; n: string }
  | { t: 'member'; n: string; up: boolean }
  | { t: 'config'; c: number };

/** true four times out of five. */
const mostly = fc.oneof(
  { arbitrary: fc.constant(true), weight: 4 },
  { arbitrary: fc.constant(false), weight: 1 },
);

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    t: fc.constant('svc' as const),
    i: fc.nat(5),
    ips: fc.uniqueArray(fc.constantFrom(...IPS), { minLength: 1, maxLength: 2 }),
    local: fc.boolean(),
    app: fc.boolean(),
  }),
  fc.record({ t: fc.constant('delSvc' as const), i: fc.nat(5) }),
  fc.record({ t: fc.constant('slice' as const), i: fc.nat(5), nodes: fc.subarray(NODES, { minLength: 1 }) }),
  fc.record({ t: fc.constant('delSlice' as const), i: fc.nat(5) }),
  fc.record({
    t: fc.constant('node' as const),
    n: fc.constantFrom(...NODES),
    ready: mostly,
    excluded: mostly.map((b) => !b),
    rack: fc.constantFrom('a' as const, 'b' as const),
    zone: fc.boolean(),
  }),
  fc.record({ t: fc.constant('delNode' as const), n: fc.constantFrom(...NODES) }),
  fc.record({ t: fc.constant('member' as const), n: fc.constantFrom(...NODES), up: fc.boolean() }),
  fc.record({ t: fc.constant('member' as const), n: fc.constantFrom(...NODES), up: fc.boolean() }),
  fc.record({ t: fc.constant('config' as const), c: fc.nat(configs.length - 1) }),
);

describe('incremental planning', () => {
  it('equals planning from scratch after any sequence of changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NODES),
        fc.array(op, { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        (self, ops, every) => {
          const p = new Planner({ self });
          const world = {
            config: configs[0]!,
            services: new Map<number, ServiceView>(),
            slices: new Map<number, SliceView>(),
            nodes: new Map<string, NodeView>(NODES.map((n) => [n, nodeView(n, { labels: { rack: 'a' } })])),
            up: new Set(NODES),
          };
          // Start from a populated cluster: every address in use, endpoints on every node.
          for (let i = 0; i < IPS.length; i++) {
            world.services.set(i, serviceView(`ns/s${i}`, [IPS[i]!]));
            world.slices.set(i, sliceView(`ns/s${i}`, NODES));
          }
          p.setConfig(world.config);
          for (const n of world.nodes.values()) p.upsertNode(n);
          for (const m of world.up) p.setMemberUp(m, true);
          for (const s of world.services.values()) p.upsertService(s);
          for (const s of world.slices.values()) p.upsertSlice(s);
          p.plan();
          ops.forEach((o, k) => {
            switch (o.t) {
              case 'svc': {
                const s = serviceView(`ns/s${o.i}`, o.ips, {
                  local: o.local,
                  labels: o.app ? { app: 'x' } : {},
                });
                world.services.set(o.i, s);
                p.upsertService(s);
                break;
              }
              case 'delSvc':
                world.services.delete(o.i);
                p.deleteService(`ns/s${o.i}`);
                break;
              case 'slice': {
                const s = sliceView(`ns/s${o.i}`, o.nodes);
                world.slices.set(o.i, s);
                p.upsertSlice(s);
                break;
              }
              case 'delSlice':
                world.slices.delete(o.i);
                p.deleteSlice(`ns/s${o.i}-slice`);
                break;
              case 'node': {
                const n = nodeView(o.n, {
                  ready: o.ready,
                  excluded: o.excluded,
                  labels: { rack: o.rack, ...(o.zone ? { zone: 'z1' } : {}) },
                });
                world.nodes.set(o.n, n);
                p.upsertNode(n);
                break;
              }
              case 'delNode':
                world.nodes.delete(o.n);
                p.deleteNode(o.n);
                break;
              case 'member':
                if (o.up) world.up.add(o.n);
                else world.up.delete(o.n);
                p.setMemberUp(o.n, o.up);
                break;
              case 'config':
                world.config = configs[o.c]!;
                p.setConfig(world.config);
                break;
            }
            if (k % every === 0) p.plan();
          });
          p.plan();
          const full = planAnnouncements({
            self,
            config: world.config,
            services: world.services.values(),
            slices: world.slices.values(),
            nodes: world.nodes.values(),
            membersUp: world.up,
          }).planner;
          expect(new Map(p.l2Announced())).toEqual(new Map(full.l2Announced()));
          const sorted = (m: Map<string, string[]>) => new Map([...m].map(([k, v]) => [k, [...v].sort()]));
          expect(sorted(p.l2Owned())).toEqual(sorted(full.l2Owned()));
          for (const peer of ['r1', 'r2']) {
            const sort = (a: { prefix: unknown }[]) =>
              [...a].sort((x, y) => String(x.prefix).localeCompare(String(y.prefix)));
            expect(sort(p.bgpAdvertisements(peer))).toEqual(sort(full.bgpAdvertisements(peer)));
          }
          expect([...p.addresses()].sort()).toEqual([...full.addresses()].sort());
          for (const ip of full.addresses()) expect(p.decision(ip)).toEqual(full.decision(ip));
        },
      ),
      { numRuns: 300 },
    );
  });
});
