// BFD coupled to BGP, against FRR (zebra + bgpd + bfdd, `neighbor ... bfd profile fast`): when
// the node's link is cut, the router drops the node's next hop from its kernel route within
// the BFD detection time instead of the BGP hold time (9 s here), and our side tears its BGP
// session down on BFD Down.
import {
  createLab,
  requireRoot,
  routeGateways,
  startFrr,
  startRouteMonitor,
  waitFor,
  type FrrRouter,
  type Lab,
  type Netns,
  type Switch,
} from '@ironlb/netlab';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SpeakerHandle } from '../../packages/bfd/bench/speaker-handle.js';

const ROUTER = '192.0.2.1';
const NODE = '192.0.2.11';
const VIP = '198.51.100.10';

let lab: Lab;
let sw: Switch;
let router: Netns;
let node: Netns;
let frr: FrrRouter;
let speaker: SpeakerHandle | undefined;

beforeAll(async () => {
  requireRoot();
  lab = await createLab({ tag: 'bfdbgp' });
  sw = await lab.addSwitch();
  router = await lab.addHost('router', { switch: sw, addresses: [`${ROUTER}/24`], role: 'router' });
  node = await lab.addHost('node1', { switch: sw, addresses: [`${NODE}/24`], role: 'node' });
  frr = await startFrr(router, {
    bfd: true,
    bgp: {
      asn: 64512,
      routerId: ROUTER,
      bfdProfiles: [{ name: 'fast', receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 }],
      peerGroups: [
        {
          name: 'NODES',
          remoteAs: 'external',
          timers: { keepalive: 3, hold: 9 },
          listenRanges: ['192.0.2.0/24'],
          denyOut: true,
          bfd: { profile: 'fast' },
        },
      ],
    },
  });
});

afterAll(async () => {
  if (speaker?.process.alive()) speaker.killHard();
  await lab?.destroy();
});

it('the router drops our next hop within the BFD detection time when the link is cut', async () => {
  speaker = await SpeakerHandle.start(node, {
    sessions: [
      {
        local: NODE,
        peer: ROUTER,
        profile: { transmitInterval: 100, receiveInterval: 100, detectMultiplier: 3 },
      },
    ],
    bgp: { peer: ROUTER, localAddress: NODE, localAs: 64513, holdTime: 9, prefixes: [`${VIP}/32`] },
  });
  await speaker.waitFor((l) => l.event === 'bgpEstablished', { timeoutMs: 15_000, description: 'BGP up' });
  await waitFor(
    async () => {
      const route = await router.route(`${VIP}/32`);
      return route !== undefined && routeGateways(route).includes(NODE);
    },
    { timeoutMs: 10_000, description: 'VIP in the router kernel via the node' },
  );
  // bfdd registers the BGP peer's session once BGP is up; wait for it to be Up on both sides.
  await speaker.waitFor((l) => l.event === 'sessionUp', { timeoutMs: 15_000, description: 'BFD Up' });
  await waitFor(async () => (await frr.bfdPeers()).some((p) => p.peer === NODE && p.status === 'up'), {
    timeoutMs: 10_000,
    description: 'bfdd session up',
  });

  const monitor = await startRouteMonitor(router);
  const cutAt = Date.now();
  await sw.setPortState(node, 'down');
  const gone = await monitor.waitForEvent((e) => e.dst === VIP && e.kind === 'del', {
    timeoutMs: 8_000, // below the 9 s hold time: only BFD can make it
    description: 'the router to withdraw the VIP',
  });
  const elapsedMs = (gone.timestampMicros ?? Date.now() * 1000) / 1000 - cutAt;
  await monitor.stop();
  expect(elapsedMs).toBeLessThan(3_000); // ~300 ms expected; generous for a shared machine
  const closed = await speaker.waitFor((l) => l.event === 'bgpClosed', {
    timeoutMs: 5_000,
    description: 'our BGP closed',
    since: cutAt,
  });
  expect(closed).toMatchObject({ why: 'bfdDown' });
  const bfdDown = speaker.lines.find((l) => l.event === 'sessionDown' && l.t >= cutAt);
  expect(bfdDown).toMatchObject({ reason: 'controlDetectionTimeExpired' });
});
