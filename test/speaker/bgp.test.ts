// BGP mode end to end, with real processes and real routers: FRR (with BFD) and BIRD in their
// namespaces, three speakers. Every eligible node advertises a Service address with itself as
// next hop (three next hops at both routers); `externalTrafficPolicy: Local` leaves the nodes
// with a local endpoint; the exclusion label and deleting the Service withdraw; a node's link
// going down makes FRR drop its next hop through BFD well before the hold time (BIRD, without
// BFD, at the hold time); a crashed speaker's sessions close at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeGateways, waitFor, type Netns } from '@ironlb/netlab';
import { SpeakerCluster } from './harness/cluster.js';

const HOLD_TIME_S = 9;
let c: SpeakerCluster;

beforeAll(async () => {
  c = await SpeakerCluster.start({
    tag: 'spkb',
    bird: true,
    holdTime: HOLD_TIME_S,
    bfd: { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 },
    frr: { bfd: { name: 'fast', receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 } },
  });
}, 300_000);

afterAll(async () => {
  await c?.destroy();
});

const addr = (node: string) => c.topo.node(node).ipv4;

/** The kernel next hops of `prefix` in a router namespace, sorted ([] when no route). */
async function nextHops(router: Netns, prefix: string): Promise<string[]> {
  const route = await router.route(prefix);
  return route ? routeGateways(route).sort() : [];
}

function waitNextHops(
  router: Netns,
  prefix: string,
  expected: string[],
  timeoutMs = 20_000,
): Promise<string[]> {
  const want = [...expected].sort().join();
  return waitFor(async () => ((await nextHops(router, prefix)).join() === want ? expected : undefined), {
    timeoutMs,
    description: `${router.short}: ${prefix} via [${want}] (now [${''}])`,
  });
}

describe('BGP', () => {
  let vip: string;

  it('advertises from every node: three next hops at FRR and at BIRD, and the client is served', async () => {
    [vip] = (await c.createService('api', { pool: 'bgp' })) as [string];
    expect(vip).toMatch(/^203\.0\.113\./);
    await c.setEndpoints('api', c.nodes);
    const all = c.nodes.map(addr);
    await waitNextHops(c.topo.router, `${vip}/32`, all);
    await waitNextHops(c.topo.birdRouter!, `${vip}/32`, all);
    const served = await waitFor(() => c.reach(vip), {
      timeoutMs: 10_000,
      description: 'the client reaching the VIP',
    });
    expect(c.nodes).toContain(served);
    // Sessions and BFD are reported in each SpeakerStatus (written on change, at most every 2 s).
    const sessions = await waitFor(
      async () => {
        const status = (await c.speakerStatus('node1')) as {
          status?: {
            bgpSessions?: { peer: string; state: string; bfdState?: string; advertisedPrefixes?: number }[];
          };
        };
        const list = status.status?.bgpSessions ?? [];
        const frr = list.find((s) => s.peer === 'frr');
        return frr?.bfdState === 'Up' && frr.advertisedPrefixes === 1 ? list : undefined;
      },
      { timeoutMs: 15_000, description: 'SpeakerStatus of node1 showing its sessions up' },
    );
    expect(sessions).toEqual([
      expect.objectContaining({ peer: 'bird', state: 'Established', advertisedPrefixes: 1 }),
      expect.objectContaining({ peer: 'frr', state: 'Established', bfdState: 'Up', advertisedPrefixes: 1 }),
    ]);
    // Events are written in the background: wait for one per node.
    const events = await waitFor(
      async () => {
        const e = (await c.events('api')).filter((x) => x.reason === 'AnnouncedBGP');
        return e.length >= 3 ? e : undefined;
      },
      { timeoutMs: 10_000, description: 'AnnouncedBGP from every node' },
    );
    expect(events.map((e) => e.message.split(' ')[0]).sort()).toEqual(c.nodes.map((n) => `node=${n}`));
  });

  it('externalTrafficPolicy Local: only the node with a local endpoint is a next hop, and it follows the endpoint', async () => {
    const [local] = (await c.createService('local', { pool: 'bgp', local: true })) as [string];
    await c.setEndpoints('local', ['node2']);
    await waitNextHops(c.topo.router, `${local}/32`, [addr('node2')]);
    expect(await waitFor(() => c.reach(local), { timeoutMs: 10_000, description: 'client' })).toBe('node2');
    await c.setEndpoints('local', ['node3']);
    await waitNextHops(c.topo.router, `${local}/32`, [addr('node3')]);
    await c.setEndpoints('local', []);
    await waitNextHops(c.topo.router, `${local}/32`, []);
    await c.deleteService('local');
  });

  it('the exclusion label withdraws a node at once, removing it brings it back', async () => {
    await c.patchNodeLabels('node1', { 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' });
    await waitNextHops(c.topo.router, `${vip}/32`, [addr('node2'), addr('node3')]);
    await c.patchNodeLabels('node1', { 'node.kubernetes.io/exclude-from-external-load-balancers': null });
    await waitNextHops(c.topo.router, `${vip}/32`, c.nodes.map(addr));
  });

  it('a node’s link goes down: FRR (BFD) drops its next hop well before the hold time, BIRD (no BFD) only at it', async () => {
    const all = c.nodes.map(addr);
    const started = performance.now();
    await c.topo.setNodeLink('node3', 'down');
    await waitNextHops(c.topo.router, `${vip}/32`, [addr('node1'), addr('node2')], HOLD_TIME_S * 1000);
    const ms = performance.now() - started;
    console.log(
      `FRR dropped the next hop ${Math.round(ms)} ms after the link cut (BFD 100 ms x 3, hold ${HOLD_TIME_S} s)`,
    );
    expect(ms).toBeLessThan((HOLD_TIME_S * 1000) / 3);
    // BIRD runs no BFD: it still routes to node3 until its hold timer expires.
    if (performance.now() - started < 2500)
      expect(await nextHops(c.topo.birdRouter!, `${vip}/32`)).toEqual(all.sort());
    await waitNextHops(
      c.topo.birdRouter!,
      `${vip}/32`,
      [addr('node1'), addr('node2')],
      (HOLD_TIME_S + 5) * 1000,
    );
    await c.topo.setNodeLink('node3', 'up');
    await waitNextHops(c.topo.router, `${vip}/32`, all, 60_000);
    await waitNextHops(c.topo.birdRouter!, `${vip}/32`, all, 60_000);
  });

  it('kill -9 of a speaker: its TCP sessions close, both routers drop its next hop at once; back when it restarts', async () => {
    await c.killSpeaker('node3');
    await waitNextHops(c.topo.router, `${vip}/32`, [addr('node1'), addr('node2')], 5000);
    await waitNextHops(c.topo.birdRouter!, `${vip}/32`, [addr('node1'), addr('node2')], 5000);
    await c.startSpeaker('node3');
    await waitNextHops(c.topo.router, `${vip}/32`, c.nodes.map(addr), 60_000);
  });

  it('the speakers needed no permission beyond config/rbac/speaker.yaml', async () => {
    const { total, forbidden } = await c.speakerRequests();
    expect(total).toBeGreaterThan(0);
    expect(forbidden).toEqual([]);
  });

  it('deleting the Service withdraws it everywhere', async () => {
    await c.deleteService('api');
    await waitNextHops(c.topo.router, `${vip}/32`, []);
    await waitNextHops(c.topo.birdRouter!, `${vip}/32`, []);
    expect(await c.topo.frr!.bgpRoute(`${vip}/32`).catch(() => undefined)).toBeFalsy();
  });
});
