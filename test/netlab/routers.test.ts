import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hostRoutes,
  bgpMessagesFromPcap,
  BgpMessageType,
  createLab,
  requireRoot,
  routeGateways,
  startBird,
  startCapture,
  startExaBgp,
  startFrr,
  startRouteMonitor,
  summarizeFrame,
  waitFor,
  type BirdRouter,
  type FrrRouter,
  type Lab,
  type Netns,
  type PacketCapture,
  type RouteMonitor,
} from '@ironlb/netlab';

const vip = '198.51.100.10/32';

describe('netlab routers: FRR, BIRD and ExaBGP in namespaces', () => {
  let lab: Lab;
  let router: Netns;
  let birdrtr: Netns;
  let node1: Netns;
  let frr: FrrRouter;
  let bird: BirdRouter;
  let monitor: RouteMonitor;
  let capture: PacketCapture;

  beforeAll(async () => {
    requireRoot();
    lab = await createLab({ tag: 'nlrouters' });
    const sw = await lab.addSwitch();
    router = await lab.addHost('router', {
      switch: sw,
      link: { mac: '02:00:00:00:00:01' },
      addresses: ['192.0.2.1/24', '2001:db8::1/64'],
      role: 'router',
    });
    birdrtr = await lab.addHost('birdrtr', {
      switch: sw,
      link: { mac: '02:00:00:00:00:05' },
      addresses: ['192.0.2.2/24'],
      role: 'router',
    });
    node1 = await lab.addHost('node1', {
      switch: sw,
      link: { mac: '02:00:00:00:00:02' },
      addresses: ['192.0.2.11/24', '2001:db8::11/64'],
      role: 'node',
    });
    [frr, bird] = await Promise.all([
      startFrr(router, {
        bgp: {
          asn: 64512,
          routerId: '192.0.2.1',
          peerGroups: [
            {
              name: 'NODES',
              remoteAs: 'external',
              timers: { keepalive: 3, hold: 9 },
              listenRanges: ['192.0.2.0/24'],
              denyOut: true,
            },
          ],
        },
      }),
      startBird(birdrtr, {
        config: {
          routerId: '192.0.2.2',
          bgp: [
            {
              name: 'nodes',
              localAddress: '192.0.2.2',
              localAs: 64512,
              neighbor: { range: '192.0.2.0/24' },
              remoteAs: 'external',
              holdTime: 9,
              dynamicName: 'node',
            },
          ],
        },
      }),
    ]);
    monitor = await startRouteMonitor(router, { family: 4 });
    capture = await startCapture(router, { filter: 'tcp port 179', name: 'bgp' });
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('FRR answers vtysh with JSON before any peer exists', async () => {
    expect(await frr.bgpSummary()).toEqual({});
    expect(await frr.bgpPeers()).toEqual({});
    expect(await frr.runningConfig()).toContain('bgp listen range 192.0.2.0/24 peer-group NODES');
    expect(await frr.ipRoutes('ipv4')).toHaveProperty(['192.0.2.0/24']);
  });

  it('BIRD answers birdc and lists its protocols', async () => {
    const protocols = await bird.protocols();
    expect(protocols.map((p) => p.name)).toEqual(expect.arrayContaining(['device1', 'kernel_ipv4', 'nodes']));
    expect(protocols.find((p) => p.name === 'nodes')?.proto).toBe('BGP');
  });

  it('an ExaBGP route reaches FRR (RIB, zebra, kernel) and BIRD (kernel), and is timed by the monitor', async () => {
    const exa = await startExaBgp(node1, {
      routerId: '192.0.2.11',
      localAddress: '192.0.2.11',
      localAs: 64513,
      peerAs: 64512,
      neighbors: ['192.0.2.1', '192.0.2.2'],
      routes: [{ prefix: vip, nextHop: '192.0.2.11', communities: ['64513:100'] }],
    });
    const peer = await frr.waitForPeerState('192.0.2.11', { timeoutMs: 20_000 });
    expect(peer.dynamicPeer).toBe(true);
    const paths = await waitFor(async () => (await frr.bgpRoutes('ipv4'))[vip], {
      timeoutMs: 10_000,
      description: 'the VIP in FRR BGP table',
    });
    expect(paths[0]).toMatchObject({ valid: true, path: '64513' });
    const detail = await frr.bgpRoute(vip);
    expect(detail?.paths?.[0]?.community?.string).toBe('64513:100');
    const zebra = await waitFor(async () => (await frr.ipRoutes('ipv4', vip))[vip]?.[0], {
      timeoutMs: 10_000,
      description: 'the VIP in zebra',
    });
    expect(zebra).toMatchObject({ protocol: 'bgp', installed: true });
    const kernel = await waitFor(() => router.route(vip), {
      timeoutMs: 10_000,
      description: 'the VIP in the kernel',
    });
    expect(kernel.protocol).toBe('bgp');
    expect(routeGateways(kernel)).toEqual(['192.0.2.11']);
    const event = await monitor.waitForEvent((e) => e.kind === 'add' && e.dst === '198.51.100.10', {
      timeoutMs: 5000,
      description: 'route add event',
    });
    expect(event.gateways).toEqual(['192.0.2.11']);
    expect(event.timestampMicros).toBeGreaterThan(0);

    const neighbors = await frr.bgpNeighbors('192.0.2.11');
    expect(neighbors['192.0.2.11']?.bgpTimerHoldTimeMsecs).toBe(9000);
    expect(neighbors['192.0.2.11']?.messageStats?.updatesRecv).toBeGreaterThanOrEqual(1);

    await waitFor(async () => (await bird.establishedBgp()).length === 1, {
      timeoutMs: 20_000,
      description: 'BIRD session established',
    });
    const birdKernel = await waitFor(() => birdrtr.route(vip), {
      timeoutMs: 10_000,
      description: 'VIP in BIRD kernel',
    });
    expect(birdKernel.protocol).toBe('bird');
    const birdRoutes = await bird.routes(vip);
    expect(birdRoutes[0]).toMatchObject({ network: vip, primary: true, via: ['192.0.2.11'] });
    expect((await bird.routeCount()).routes).toBeGreaterThanOrEqual(1);

    // Stopping the sender withdraws the route (its TCP session closes).
    await exa.stop();
    await waitFor(async () => (await router.route(vip)) === undefined, {
      timeoutMs: 10_000,
      description: 'VIP withdrawn from the kernel',
    });
    await monitor.waitForEvent((e) => e.kind === 'del' && e.dst === '198.51.100.10', {
      timeoutMs: 5000,
      description: 'route delete event',
    });
  });

  it('the router-side capture holds the BGP session, readable frame by frame', async () => {
    const pcap = await capture.stop();
    expect(pcap.linkType).toBe(1);
    expect(pcap.truncated).toBe(false);
    const frames = pcap.records.map((record) => summarizeFrame(record.data));
    const toRouter = frames.filter((f) => f?.ports?.destination === 179 && f.ip?.destination === '192.0.2.1');
    expect(toRouter.length).toBeGreaterThan(3);
    expect(toRouter[0]?.source).toBe('02:00:00:00:00:02');
    const times = pcap.records.map((record) => record.timestampMicros);
    expect([...times].sort((x, y) => x - y)).toEqual(times);

    // BGP messages from node1 to the router, reassembled: OPEN, the UPDATE with the VIP, and
    // the kernel route added after that UPDATE arrived (both clocks are the wall clock).
    const messages = bgpMessagesFromPcap(pcap).filter((m) => m.source === '192.0.2.11');
    expect(messages[0]?.type).toBe(BgpMessageType.OPEN);
    const firstUpdate = messages.find((m) => m.type === BgpMessageType.UPDATE && (m.nlri ?? 0) > 0);
    expect(firstUpdate?.nlri).toBe(1);
    const added = monitor.events.find((e) => e.kind === 'add' && e.dst === '198.51.100.10');
    const updateToKernelMs = ((added?.timestampMicros ?? 0) - (firstUpdate?.timestampMicros ?? 0)) / 1000;
    expect(updateToKernelMs).toBeGreaterThan(0);
    expect(updateToKernelMs).toBeLessThan(5000);
  });

  it('BIRD as a sender: 500 static routes reach FRR and the kernel', async () => {
    const prefixes = hostRoutes(500, { nextHop: '192.0.2.11' }).map((route) => route.prefix);
    await startBird(node1, {
      config: {
        routerId: '192.0.2.11',
        kernelFamilies: [],
        staticRoutes: { ipv4: prefixes },
        bgp: [
          {
            name: 'uplink',
            localAddress: '192.0.2.11',
            localAs: 64513,
            neighbor: { address: '192.0.2.1' },
            remoteAs: 64512,
            importFilter: 'none',
            exportFilter: 'all',
            connectDelayTime: 0,
          },
        ],
      },
    });
    const peer = await waitFor(
      async () => {
        const p = (await frr.bgpPeers())['192.0.2.11'];
        return p?.state === 'Established' && p.pfxRcd === 500 ? p : undefined;
      },
      { timeoutMs: 20_000, description: 'FRR to receive 500 prefixes from BIRD' },
    );
    expect(peer.pfxRcd).toBe(500);
    await waitFor(
      async () => (await router.routes({ family: 4 })).filter((r) => r.protocol === 'bgp').length === 500,
      {
        timeoutMs: 20_000,
        description: '500 BGP routes in the router kernel',
      },
    );
  });

  it('FRR can be reconfigured at run time and BFD peers read (empty without bfdd)', async () => {
    await frr.configure(['router bgp 64512', 'bgp listen range 2001:db8::/64 peer-group NODES']);
    expect(await frr.runningConfig()).toContain('bgp listen range 2001:db8::/64 peer-group NODES');
    await expect(frr.configure(['router bgp 64512', 'this is not a command'])).rejects.toMatchObject({
      code: expect.stringMatching(/^ERR_IRONLB_NETLAB_/),
    });
  });
});
