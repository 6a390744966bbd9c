import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLab,
  requireRoot,
  routeGateways,
  startBird,
  waitFor,
  type BirdRouter,
  type Lab,
  type Netns,
} from '@ironlb/netlab';
import { startSpeaker, type SpeakerHandle } from './speaker-process.js';

// IronLB's speaker against BIRD 2 as the router (an implementation independent of FRR): eBGP
// over IPv4 and IPv6 sessions, ECMP in the kernel through `merge paths`, withdrawal on stop,
// and BIRD dialling our passive listener (a static neighbour).

let lab: Lab;
let birdNs: Netns;
let bird: BirdRouter;
const nodes: Netns[] = [];
const speakers: SpeakerHandle[] = [];

beforeAll(async () => {
  requireRoot();
  lab = await createLab({ tag: 'bgp' });
  const sw = await lab.addSwitch();
  birdNs = await lab.addHost('birdrtr', {
    switch: sw,
    addresses: ['192.0.2.2/24', '2001:db8::2/64'],
    role: 'router',
  });
  for (let i = 1; i <= 3; i++) {
    nodes.push(
      await lab.addHost(`node${i}`, {
        switch: sw,
        addresses: [`192.0.2.1${i}/24`, `2001:db8::1${i}/64`],
        role: 'node',
      }),
    );
  }
  bird = await startBird(birdNs, {
    config: {
      routerId: '192.0.2.2',
      bgp: [
        {
          name: 'nodes',
          localAddress: '192.0.2.2',
          localAs: 64512,
          neighbor: { range: '192.0.2.0/25' },
          remoteAs: 'external',
          holdTime: 9,
        },
        {
          name: 'nodes6',
          localAddress: '2001:db8::2',
          localAs: 64512,
          neighbor: { range: '2001:db8::/64' },
          remoteAs: 'external',
          holdTime: 9,
          families: ['ipv6'],
        },
        {
          name: 'static13',
          localAddress: '192.0.2.2',
          localAs: 64512,
          neighbor: { address: '192.0.2.13' },
          remoteAs: 64514,
          holdTime: 9,
          connectRetryTime: 1,
          extraLines: ['connect delay time 1;'],
        },
      ],
    },
  });
});

afterAll(async () => {
  for (const s of speakers) await s.stop().catch(() => undefined);
  await lab?.destroy();
});

const session = (i: number, extra: Record<string, unknown> = {}) => ({
  localAs: 64513,
  peerAs: 64512,
  routerId: `192.0.2.1${i}`,
  peerAddress: '192.0.2.2',
  holdTime: 9,
  families: ['ipv4'],
  ...extra,
});

async function gateways(prefix: string): Promise<string[]> {
  const r = await birdNs.route(prefix);
  return r ? routeGateways(r) : [];
}

describe('BIRD interop', () => {
  it('two speakers: IPv4 ECMP and IPv6 routes in the kernel through BIRD', async () => {
    for (const i of [1, 2]) {
      const s = await startSpeaker(nodes[i - 1]!, {
        sessions: [session(i), session(i, { peerAddress: '2001:db8::2', families: ['ipv6'] })],
        routes: [
          { prefix: '198.51.100.10/32', communities: ['64512:10'] },
          { prefix: '2001:db8:100::10/128' },
        ],
      });
      speakers.push(s);
    }
    const gws = await waitFor(
      async () => {
        const g = await gateways('198.51.100.10/32');
        return g.length === 2 ? g : undefined;
      },
      { timeoutMs: 15_000, description: 'two next hops in the kernel via BIRD' },
    );
    expect(gws).toEqual(['192.0.2.11', '192.0.2.12']);
    const v6 = await waitFor(
      async () => {
        const g = await gateways('2001:db8:100::10/128');
        return g.length === 2 ? g : undefined;
      },
      { timeoutMs: 15_000, description: 'IPv6 ECMP via BIRD' },
    );
    expect(v6).toEqual(['2001:db8::11', '2001:db8::12']);
    const text = await bird.birdc('show route all 198.51.100.10/32');
    expect(text).toContain('(64512,10)');
  });

  it('withdraws on stop', async () => {
    await speakers[1]!.stop();
    await waitFor(async () => (await gateways('198.51.100.10/32')).length === 1, {
      timeoutMs: 10_000,
      description: 'one next hop left',
    });
  });

  it('accepts BIRD dialling our listener (passive session)', async () => {
    const s = await startSpeaker(nodes[2]!, {
      listen: { host: '192.0.2.13', port: 179 },
      sessions: [session(3, { localAs: 64514, passive: true })],
      routes: [{ prefix: '203.0.113.0/24' }],
    });
    speakers.push(s);
    await s.waitEvent((e) => e.event === 'established', 'BIRD connected to us', 15_000);
    await waitFor(async () => (await gateways('203.0.113.0/24')).includes('192.0.2.13'), {
      timeoutMs: 10_000,
      description: 'route learnt over the passive session',
    });
  });
});
