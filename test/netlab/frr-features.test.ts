import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildLabTopology,
  routeGateways,
  startExaBgp,
  startFrr,
  requireRoot,
  waitFor,
  sleep,
  type LabTopology,
} from '@ironlb/netlab';

// FRR features the BGP and BFD engineers rely on, proven against FRR itself: BFD through bfdd
// on dynamic neighbours, MD5 on a listen range, IPv6 sessions and routes, config validation.
describe('FRR features in the lab topology', () => {
  let topo: LabTopology;

  beforeAll(async () => {
    requireRoot();
    topo = await buildLabTopology({
      labOptions: { tag: 'nlfrr' },
      nodes: 3,
      client: false,
      frr: {
        bfd: { name: 'fast', receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 },
        peerSettings: { password: 'lab-secret' },
      },
    });
  });

  afterAll(async () => {
    await topo?.destroy();
  });

  it('rejects a configuration FRR would silently ignore, naming the line', async () => {
    const ns = topo.node('node3').netns;
    await expect(
      startFrr(ns, {
        bgp: { asn: 64513, routerId: '192.0.2.13', extraLines: ['neighbor 192.0.2.1 bogus-keyword'] },
      }),
    ).rejects.toMatchObject({
      code: 'ERR_IRONLB_NETLAB_INVALID_ARGUMENT',
      message: expect.stringContaining('bogus-keyword'),
    });
  });

  it('BFD comes up on a dynamic neighbour with the negotiated profile, and goes down when the link is cut', async () => {
    const node1 = topo.node('node1');
    const nodeFrr = await startFrr(node1.netns, {
      bfd: true,
      bgp: {
        asn: 64513,
        routerId: node1.ipv4,
        bfdProfiles: [{ name: 'fast', receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 }],
        neighbors: [
          {
            address: '192.0.2.1',
            remoteAs: 64512,
            password: 'lab-secret',
            timers: { keepalive: 3, hold: 9 },
            bfd: { profile: 'fast' },
          },
        ],
        ipv4: { networks: ['198.51.100.11/32'] },
      },
    });
    // The network statement needs the prefix in zebra's table.
    await node1.netns.addRoute({ dst: '198.51.100.11/32', type: 'blackhole' });
    const frr = topo.frr!;
    await frr.waitForPeerState(node1.ipv4, { timeoutMs: 20_000 });
    const peer = await waitFor(
      async () => (await frr.bfdPeers()).find((p) => p.peer === node1.ipv4 && p.status === 'up'),
      {
        timeoutMs: 15_000,
        description: 'BFD up on the router',
      },
    );
    expect(peer['receive-interval']).toBe(100);
    expect(peer['detect-multiplier']).toBe(3);
    expect((await nodeFrr.bfdPeers()).find((p) => p.peer === '192.0.2.1')?.status).toBe('up');
    await waitFor(async () => (await topo.router.route('198.51.100.11/32')) !== undefined, {
      timeoutMs: 10_000,
      description: 'the node route in the router kernel',
    });

    const cut = performance.now();
    await topo.setNodeLink('node1', 'down');
    await waitFor(async () => (await topo.router.route('198.51.100.11/32')) === undefined, {
      timeoutMs: 5000,
      intervalMs: 20,
      description: 'route withdrawn after BFD down (well before the 9 s hold time)',
    });
    expect(performance.now() - cut).toBeLessThan(4000);
    // FRR deletes a dynamic neighbour whose session dropped, and its BFD session with it.
    expect((await frr.bfdPeers()).find((p) => p.peer === node1.ipv4)?.status ?? 'deleted').not.toBe('up');
    await topo.setNodeLink('node1', 'up');
  });

  it('MD5 on the listen range: the right password establishes, a wrong one does not', async () => {
    const node2 = topo.node('node2');
    const node3 = topo.node('node3');
    const common = { localAs: 64513, peerAs: 64512, neighbors: ['192.0.2.1'] };
    await startExaBgp(node2.netns, {
      ...common,
      routerId: node2.ipv4,
      localAddress: node2.ipv4,
      md5Password: 'lab-secret',
      routes: [{ prefix: '198.51.100.12/32', nextHop: node2.ipv4 }],
    });
    await startExaBgp(node3.netns, {
      ...common,
      routerId: node3.ipv4,
      localAddress: node3.ipv4,
      md5Password: 'wrong',
      routes: [{ prefix: '198.51.100.13/32', nextHop: node3.ipv4 }],
    });
    await topo.frr!.waitForPeerState(node2.ipv4, { timeoutMs: 20_000 });
    const route = await waitFor(() => topo.router.route('198.51.100.12/32'), {
      timeoutMs: 10_000,
      description: 'node2 route',
    });
    expect(routeGateways(route)).toEqual([node2.ipv4]);
    await sleep(1500);
    expect((await topo.frr!.bgpPeers())[node3.ipv4]?.state).not.toBe('Established');
    expect(await topo.router.route('198.51.100.13/32')).toBeUndefined();
  });

  it('IPv6: a session over IPv6 brings an IPv6 VIP into the kernel', async () => {
    const node2 = topo.node('node2');
    await startExaBgp(
      node2.netns,
      {
        routerId: node2.ipv4,
        localAddress: node2.ipv6,
        localAs: 64513,
        peerAs: 64512,
        neighbors: ['2001:db8::1'],
        md5Password: 'lab-secret',
        routes: [{ prefix: '2001:db8:100::12/128', nextHop: node2.ipv6 }],
      },
      { name: 'exabgp6' },
    );
    await topo.frr!.waitForPeerState(node2.ipv6, { timeoutMs: 20_000 });
    const paths = await waitFor(async () => (await topo.frr!.bgpRoutes('ipv6'))['2001:db8:100::12/128'], {
      timeoutMs: 10_000,
      description: 'IPv6 VIP in the FRR table',
    });
    expect(paths[0]?.valid).toBe(true);
    const route = await waitFor(() => topo.router.route('2001:db8:100::12/128'), {
      timeoutMs: 10_000,
      description: 'IPv6 VIP in the kernel',
    });
    expect(routeGateways(route)).toEqual([node2.ipv6]);
    expect(Object.keys(await topo.frr!.ipRoutes('ipv6', '2001:db8:100::12/128'))).toEqual([
      '2001:db8:100::12/128',
    ]);
  });
});
