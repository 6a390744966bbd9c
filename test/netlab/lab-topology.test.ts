import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  epochNow,
  startHttpProber,
  type ServiceStandIn,
  arping,
  buildLabTopology,
  curl,
  dropUdpRandomly,
  httpUrl,
  nftRuleset,
  requireRoot,
  routeGateways,
  startExaBgp,
  startServiceStandIn,
  waitFor,
  type LabTopology,
} from '@ironlb/netlab';

describe('buildLabTopology with kube-proxy stand-ins', () => {
  let topo: LabTopology;
  let standIn2: ServiceStandIn;

  beforeAll(async () => {
    requireRoot();
    topo = await buildLabTopology({ labOptions: { tag: 'nllab' }, nodes: 2, bird: true });
    const [node1, node2] = topo.nodes;
    [, standIn2] = await Promise.all([
      startServiceStandIn(node1!.netns, { vips: ['198.51.100.10', '2001:db8:100::10', '203.0.113.20'] }),
      startServiceStandIn(node2!.netns, {
        mode: 'dnat',
        vips: ['203.0.113.10', '203.0.113.20'],
        nodeAddresses: { ipv4: node2!.ipv4, ipv6: node2!.ipv6 },
      }),
    ]);
  });

  afterAll(async () => {
    await topo?.destroy();
  });

  it('uses the documented addressing', async () => {
    expect(topo.router.addresses).toEqual({
      ipv4: '192.0.2.1',
      ipv6: '2001:db8::1',
      mac: '02:00:c0:00:02:01',
    });
    expect(topo.nodes.map((n) => [n.name, n.ipv4, n.ipv6, n.mac])).toEqual([
      ['node1', '192.0.2.11', '2001:db8::11', '02:00:c0:00:02:0b'],
      ['node2', '192.0.2.12', '2001:db8::12', '02:00:c0:00:02:0c'],
    ]);
    expect(topo.client?.addresses.ipv4).toBe('192.0.2.100');
    const clientRoutes = await topo.client!.routes();
    expect(clientRoutes.find((r) => r.dst === '198.51.100.0/24')?.dev).toBe('eth0');
    expect(clientRoutes.find((r) => r.dst === '203.0.113.0/24')?.gateway).toBe('192.0.2.1');
    expect(await topo.frr!.runningConfig()).toContain('bgp listen range 2001:db8::/64 peer-group NODES6');
    expect((await topo.bird!.protocols()).map((p) => p.name)).toEqual(
      expect.arrayContaining(['nodes', 'nodes6']),
    );
  });

  it('layer 2: the node never answers ARP for a VIP on lo (strictARP); the client reaches the owner it is pointed at', async () => {
    const client = topo.client!;
    const node1 = topo.node('node1');
    const control = await arping(client, node1.ipv4, { deadlineS: 2 });
    expect(control.replies).toEqual([{ ip: node1.ipv4, mac: node1.mac, unicast: true }]);
    const strict = await arping(client, '198.51.100.10', { deadlineS: 1 });
    expect(strict.sent).toBe(1);
    expect(strict.replies).toEqual([]);
    // Stand-in for a speaker's announcement: the client's neighbour entry points at node1.
    await client.ip(['neigh', 'replace', '198.51.100.10', 'lladdr', node1.mac, 'dev', 'eth0']);
    await client.ip(['neigh', 'replace', '2001:db8:100::10', 'lladdr', node1.mac, 'dev', 'eth0']);
    expect((await curl(client, httpUrl('198.51.100.10'))).body).toBe('node1\n');
    const v6 = await curl(client, httpUrl('2001:db8:100::10', 80, '/json'));
    expect(JSON.parse(v6.body)).toMatchObject({ node: 'node1', local: '2001:db8:100::10' });

    await topo.setNodeLink('node1', 'down');
    expect((await curl(client, httpUrl('198.51.100.10'), { maxTimeS: 1 })).ok).toBe(false);
    await topo.setNodeLink('node1', 'up');
    await waitFor(async () => (await curl(client, httpUrl('198.51.100.10'), { maxTimeS: 1 })).ok, {
      timeoutMs: 10_000,
      description: 'node1 reachable again',
    });
  });

  it('BGP: ExaBGP on the nodes gives the router an ECMP route, and the client reaches both nodes through it', async () => {
    const [node1, node2] = topo.nodes;
    const exa = (node: typeof node1, prefixes: string[]) =>
      startExaBgp(node!.netns, {
        routerId: node!.ipv4,
        localAddress: node!.ipv4,
        localAs: 64513,
        peerAs: 64512,
        neighbors: ['192.0.2.1', '192.0.2.2'],
        routes: prefixes.map((prefix) => ({ prefix, nextHop: node!.ipv4 })),
      });
    await Promise.all([exa(node1, ['203.0.113.20/32']), exa(node2, ['203.0.113.10/32', '203.0.113.20/32'])]);
    const ecmp = await waitFor(
      async () => {
        const route = await topo.router.route('203.0.113.20/32');
        return route && routeGateways(route).length === 2 ? route : undefined;
      },
      { timeoutMs: 20_000, description: 'two next hops for 203.0.113.20 on the router' },
    );
    expect(routeGateways(ecmp)).toEqual(['192.0.2.11', '192.0.2.12']);
    const birdEcmp = await waitFor(
      async () => {
        const route = await topo.birdRouter!.route('203.0.113.20/32');
        return route && routeGateways(route).length === 2 ? route : undefined;
      },
      { timeoutMs: 20_000, description: 'two next hops for 203.0.113.20 on BIRD' },
    );
    expect(birdEcmp.protocol).toBe('bird');

    const client = topo.client!;
    const single = await waitFor(async () => (await curl(client, httpUrl('203.0.113.10'))).body, {
      timeoutMs: 10_000,
      description: 'node2 answering through the router and its DNAT',
    });
    expect(single).toBe('node2\n');
    const seen = new Set<string>();
    for (let i = 0; i < 24 && seen.size < 2; i++)
      seen.add((await curl(client, httpUrl('203.0.113.20'))).body);
    expect([...seen].sort()).toEqual(['node1\n', 'node2\n']);
  });

  it('drops a share of UDP to a port with nftables, and removes the rule', async () => {
    const node1 = topo.node('node1').netns;
    const loss = await dropUdpRandomly(node1, { port: 7946, percent: 30 });
    await topo.client!.run([
      'bash',
      '-c',
      'for i in $(seq 200); do echo x > /dev/udp/192.0.2.11/7946 || true; done 2>/dev/null',
    ]);
    const dropped = Number(/counter packets (\d+)/.exec(await nftRuleset(node1))?.[1]);
    expect(dropped).toBeGreaterThan(25);
    expect(dropped).toBeLessThan(110);
    await loss.remove();
    expect(await nftRuleset(node1)).not.toContain('7946');
  });

  it('an HTTP prober at 10 ms times an ownership move from node1 to node2', async () => {
    const client = topo.client!;
    await standIn2.addVip('198.51.100.10');
    await client.ip(['neigh', 'replace', '198.51.100.10', 'lladdr', topo.node('node1').mac, 'dev', 'eth0']);
    const prober = await startHttpProber(client, httpUrl('198.51.100.10'), { intervalMs: 10 });
    const before = await prober.waitFor(0, (r) => r.body === 'node1', {
      timeoutMs: 10_000,
      description: 'node1 answers',
    });
    expect(before.ok).toBe(true);
    const move = epochNow();
    await client.ip(['neigh', 'replace', '198.51.100.10', 'lladdr', topo.node('node2').mac, 'dev', 'eth0']);
    const after = await prober.waitFor(move, (r) => r.body === 'node2', {
      timeoutMs: 10_000,
      description: 'node2 answers',
    });
    expect(after.start - move).toBeLessThan(5000);
    // The prober keeps probing: a later probe is answered by node2 too.
    await prober.waitFor(after.start + 1, (r) => r.body === 'node2', {
      timeoutMs: 5_000,
      description: 'node2 answers again',
    });
    await prober.stop();
    const count = prober.results.length;
    expect(count).toBeGreaterThan(2);
    // A connection caught mid-handshake by the move may be reset by node2: allow a few.
    expect(prober.results.filter((r) => r.ok).length).toBeGreaterThanOrEqual(count - 3);
  });
});
