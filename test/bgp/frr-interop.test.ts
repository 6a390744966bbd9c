import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLab,
  requireRoot,
  routeGateways,
  startFrr,
  waitFor,
  type FrrRouter,
  type Lab,
  type Netns,
} from '@ironlb/netlab';
import { startSpeaker, type SpeakerHandle } from './speaker-process.js';

// IronLB's speaker against FRR 8.4 (zebra + bgpd) as the router, in namespaces this test
// creates: eBGP with 2- and 4-octet ASNs, iBGP, IPv4 and IPv6, communities, large
// communities and LOCAL_PREF in FRR's RIB, ECMP across three speakers in the kernel, and
// withdrawal on removal and on stop. FRR re-advertises routes between speakers, so the
// speakers also receive UPDATEs, which they must tolerate.

let lab: Lab;
let router: Netns;
let frr: FrrRouter;
const nodes: Netns[] = [];
const speakers: SpeakerHandle[] = [];

const ebgp = (i: number, extra: Record<string, unknown> = {}) => ({
  localAs: 64513,
  peerAs: 64512,
  routerId: `192.0.2.1${i}`,
  peerAddress: '192.0.2.1',
  holdTime: 9,
  families: ['ipv4'],
  gracefulRestart: { restartTime: 120 },
  ...extra,
});

beforeAll(async () => {
  requireRoot();
  lab = await createLab({ tag: 'bgp' });
  const sw = await lab.addSwitch();
  router = await lab.addHost('router', {
    switch: sw,
    link: { mac: '02:00:00:00:00:01' },
    addresses: ['192.0.2.1/24', '2001:db8::1/64'],
    role: 'router',
  });
  for (let i = 1; i <= 5; i++) {
    nodes.push(
      await lab.addHost(`node${i}`, {
        switch: sw,
        link: { mac: `02:00:00:00:00:1${i}` },
        addresses: [`192.0.2.1${i}/24`, `2001:db8::1${i}/64`],
        role: 'node',
      }),
    );
  }
  frr = await startFrr(router, {
    bgp: {
      asn: 64512,
      routerId: '192.0.2.1',
      peerGroups: [
        {
          name: 'NODES',
          remoteAs: 'external',
          timers: { keepalive: 3, hold: 9 },
          listenRanges: ['192.0.2.0/25'],
          families: ['ipv4', 'ipv6'],
        },
        {
          name: 'NODES6',
          remoteAs: 'external',
          timers: { keepalive: 3, hold: 9 },
          listenRanges: ['2001:db8::/64'],
          families: ['ipv6'],
        },
        {
          name: 'INTERNAL',
          remoteAs: 'internal',
          timers: { keepalive: 3, hold: 9 },
          listenRanges: ['192.0.2.128/25'],
        },
      ],
      ipv4: { maximumPaths: 8, maximumPathsIbgp: 8 },
      ipv6: { maximumPaths: 8 },
    },
  });
});

afterAll(async () => {
  for (const s of speakers) await s.stop().catch(() => undefined);
  await lab?.destroy();
});

async function kernelGateways(prefix: string, ns: Netns = router): Promise<string[]> {
  const r = await ns.route(prefix);
  return r ? routeGateways(r) : [];
}

describe('FRR interop', () => {
  it('eBGP IPv4 and IPv6: routes with communities and large communities reach FRR and the kernel', async () => {
    const s = await startSpeaker(nodes[0]!, {
      sessions: [ebgp(1), ebgp(1, { peerAddress: '2001:db8::1', families: ['ipv6'] })],
      routes: [
        {
          prefix: '198.51.100.10/32',
          communities: ['64512:100', 'no-export'],
          largeCommunities: ['64512:1:2'],
        },
        { prefix: '198.51.100.20/32', med: 7 },
        { prefix: '2001:db8:100::10/128', communities: ['64512:600'], largeCommunities: ['64512:6:6'] },
      ],
    });
    speakers.push(s);
    await s.waitEvent((e) => e.event === 'established' && e.peer === '192.0.2.1', 'IPv4 session up');
    await s.waitEvent((e) => e.event === 'established' && e.peer === '2001:db8::1', 'IPv6 session up');
    const v4 = await waitFor(async () => (await frr.bgpRoute('198.51.100.10/32'))?.paths?.[0], {
      timeoutMs: 10_000,
      description: 'IPv4 route in FRR',
    });
    expect(v4.aspath?.string).toBe('64513');
    expect(v4.community?.string).toBe('64512:100 no-export');
    expect(v4.largeCommunity?.string).toBe('64512:1:2');
    expect(v4.nexthops?.[0]?.ip).toBe('192.0.2.11');
    const v6 = await waitFor(async () => (await frr.bgpRoute('2001:db8:100::10/128'))?.paths?.[0], {
      timeoutMs: 10_000,
      description: 'IPv6 route in FRR',
    });
    const med = await waitFor(async () => (await frr.bgpRoute('198.51.100.20/32'))?.paths?.[0], {
      timeoutMs: 10_000,
      description: 'route with MED in FRR',
    });
    expect(med.metric).toBe(7);
    expect(v6.community?.string).toBe('64512:600');
    expect(v6.largeCommunity?.string).toBe('64512:6:6');
    expect(v6.nexthops?.[0]?.ip).toBe('2001:db8::11');
    await waitFor(async () => (await kernelGateways('198.51.100.10/32')).length === 1, {
      timeoutMs: 10_000,
      description: 'IPv4 route in the router kernel',
    });
    expect(await kernelGateways('2001:db8:100::10/128')).toEqual(['2001:db8::11']);
    const stats = (
      await s.command<{ stats: { prefixesAdvertised: unknown; negotiated: unknown }[] }>({ cmd: 'stats' })
    ).stats;
    expect(stats[0]!.prefixesAdvertised).toEqual({ ipv4: 2, ipv6: 0 });
    expect(stats[0]!.negotiated).toMatchObject({
      holdTime: 9,
      fourOctetAs: true,
      extendedMessage: true,
      gracefulRestart: true,
    });
  });

  it('three speakers advertising the same prefix give one kernel route with three next hops', async () => {
    for (const i of [2, 3]) {
      const s = await startSpeaker(nodes[i - 1]!, {
        sessions: [ebgp(i, i === 3 ? { localAs: 4200000001 } : {})],
        routes: [{ prefix: '198.51.100.10/32' }],
      });
      speakers.push(s);
    }
    const gws = await waitFor(
      async () => {
        const g = await kernelGateways('198.51.100.10/32');
        return g.length === 3 ? g : undefined;
      },
      { timeoutMs: 15_000, description: 'three next hops in the kernel' },
    );
    expect(gws).toEqual(['192.0.2.11', '192.0.2.12', '192.0.2.13']);
    // The 4-octet ASN speaker's path (RFC 6793).
    const paths = (await frr.bgpRoute('198.51.100.10/32'))?.paths ?? [];
    expect(paths.map((p) => p.aspath?.string).sort()).toEqual(['4200000001', '64513', '64513']);
    // FRR re-advertised the others' routes to each speaker: received, checked, not a problem.
    const st = (
      await speakers[1]!.command<{ stats: { state: string; prefixesReceived: { announced: number } }[] }>({
        cmd: 'stats',
      })
    ).stats[0]!;
    expect(st.state).toBe('Established');
  });

  it('withdraws a prefix removed from the advertisements', async () => {
    await speakers[2]!.command({ cmd: 'set', routes: [] });
    await waitFor(async () => (await kernelGateways('198.51.100.10/32')).length === 2, {
      timeoutMs: 10_000,
      description: 'next hop of node3 removed',
    });
    expect(await kernelGateways('198.51.100.10/32')).toEqual(['192.0.2.11', '192.0.2.12']);
  });

  it('withdraws everything when a speaker stops (Cease / Administrative Shutdown)', async () => {
    await speakers[1]!.stop();
    await waitFor(async () => (await kernelGateways('198.51.100.10/32')).length === 1, {
      timeoutMs: 10_000,
      description: 'next hop of node2 removed',
    });
    const n = await frr.bgpNeighbors('192.0.2.12').catch(() => ({}));
    expect(JSON.stringify(n)).not.toContain('"bgpState":"Established"');
  });

  it('iBGP: LOCAL_PREF and an empty AS_PATH', async () => {
    await nodes[3]!.addAddress('192.0.2.140/24');
    const s = await startSpeaker(nodes[3]!, {
      sessions: [{ ...ebgp(4), localAs: 64512, localAddress: '192.0.2.140', routerId: '192.0.2.140' }],
      routes: [{ prefix: '203.0.113.0/24', localPref: 250, communities: ['64512:7'] }],
    });
    speakers.push(s);
    const p = await waitFor(async () => (await frr.bgpRoute('203.0.113.0/24'))?.paths?.[0], {
      timeoutMs: 10_000,
      description: 'iBGP route in FRR',
    });
    expect(p.locPrf ?? p.localpref).toBe(250);
    expect(p.aspath?.length ?? 0).toBe(0); // FRR prints an empty AS_PATH as "Local"
    expect(p.peer?.type).toBe('internal');
    expect(p.community?.string).toBe('64512:7');
  });

  it('dual stack over one IPv4 session: IPv6 routes in MP_REACH_NLRI with the configured next hop', async () => {
    const s = await startSpeaker(nodes[4]!, {
      sessions: [ebgp(5, { families: ['ipv4', 'ipv6'], nextHop: { ipv6: '2001:db8::15' } })],
      routes: [{ prefix: '198.51.100.50/32' }, { prefix: '2001:db8:100::50/128' }],
    });
    speakers.push(s);
    const p = await waitFor(async () => (await frr.bgpRoute('2001:db8:100::50/128'))?.paths?.[0], {
      timeoutMs: 10_000,
      description: 'IPv6 route learnt over the IPv4 session',
    });
    expect(p.peer?.peerId).toBe('192.0.2.15');
    expect(p.nexthops?.[0]?.ip).toBe('2001:db8::15');
    await waitFor(async () => (await kernelGateways('2001:db8:100::50/128')).includes('2001:db8::15'), {
      timeoutMs: 10_000,
      description: 'IPv6 route in the kernel',
    });
  });
});
