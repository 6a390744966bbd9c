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

// Session behaviour against FRR: TCP-MD5 (RFC 2385) with the right and a wrong password,
// GTSM (RFC 5082), graceful restart as the restarting speaker (RFC 4724: kill -9, the router
// keeps our route as stale, we come back and refresh it), and our hold timer catching a router
// that goes silent.

let lab: Lab;
let router: Netns;
let frr: FrrRouter;
const nodes: Netns[] = [];
const speakers: SpeakerHandle[] = [];

const session = (i: number, extra: Record<string, unknown> = {}) => ({
  localAs: 64513,
  peerAs: 64512,
  routerId: `192.0.2.1${i}`,
  peerAddress: '192.0.2.1',
  families: ['ipv4'],
  damping: { initialIdleHoldTime: 0.2 },
  ...extra,
});

beforeAll(async () => {
  requireRoot();
  lab = await createLab({ tag: 'bgp' });
  const sw = await lab.addSwitch();
  router = await lab.addHost('router', { switch: sw, addresses: ['192.0.2.1/24'], role: 'router' });
  for (let i = 1; i <= 6; i++) {
    nodes.push(await lab.addHost(`node${i}`, { switch: sw, addresses: [`192.0.2.1${i}/24`], role: 'node' }));
  }
  frr = await startFrr(router, {
    bgp: {
      asn: 64512,
      routerId: '192.0.2.1',
      gracefulRestart: { restartTime: 120, stalePathTime: 360 },
      peerGroups: [
        {
          name: 'MD5',
          remoteAs: 'external',
          timers: { keepalive: 3, hold: 9 },
          password: 'ironlb-secret',
          listenRanges: ['192.0.2.11/32', '192.0.2.12/32'],
        },
        {
          name: 'GTSM',
          remoteAs: 'external',
          timers: { keepalive: 3, hold: 9 },
          ttlSecurityHops: 1,
          listenRanges: ['192.0.2.14/32'],
        },
        {
          name: 'SILENT',
          remoteAs: 'external',
          timers: { keepalive: 1, hold: 30 },
          listenRanges: ['192.0.2.15/32'],
        },
      ],
      neighbors: [
        { address: '192.0.2.13', remoteAs: 64513, passive: true, timers: { keepalive: 3, hold: 9 } },
        // Active on both sides: both connect, one connection must win (RFC 4271 §6.8).
        { address: '192.0.2.16', remoteAs: 64513, connectRetry: 1, timers: { keepalive: 3, hold: 9 } },
      ],
    },
  });
});

afterAll(async () => {
  frr?.bgpd.resume();
  for (const s of speakers) await s.stop().catch(() => undefined);
  await lab?.destroy();
});

describe('TCP-MD5 (RFC 2385)', () => {
  it('establishes with the right password', async () => {
    const s = await startSpeaker(nodes[0]!, {
      sessions: [session(1, { password: 'ironlb-secret' })],
      routes: [{ prefix: '198.51.100.1/32' }],
    });
    speakers.push(s);
    await s.waitEvent((e) => e.event === 'established', 'MD5 session established');
    await frr.waitForPeerState('192.0.2.11');
  });

  it('does not establish with a wrong password', async () => {
    const s = await startSpeaker(nodes[1]!, {
      sessions: [session(2, { password: 'wrong', connectTimeout: 2 })],
    });
    speakers.push(s);
    await new Promise((r) => setTimeout(r, 3000));
    expect(s.events.some((e) => e.event === 'established')).toBe(false);
    const peers = await frr.bgpPeers();
    expect(peers['192.0.2.12']?.state ?? 'absent').not.toBe('Established');
    // FRR logs the unsigned SYNs the kernel dropped; our side saw connect timeouts.
    const st = (await s.command<{ stats: { connectAttempts: number; state: string }[] }>({ cmd: 'stats' }))
      .stats[0]!;
    expect(st.connectAttempts).toBeGreaterThanOrEqual(1);
    expect(st.state).not.toBe('Established');
    await s.stop();
  });
});

describe('GTSM (RFC 5082)', () => {
  it('establishes with TTL security on both sides', async () => {
    const s = await startSpeaker(nodes[3]!, { sessions: [session(4, { ttlSecurity: { hops: 1 } })] });
    speakers.push(s);
    await s.waitEvent((e) => e.event === 'established', 'GTSM session established');
  });
});

describe('graceful restart (RFC 4724) as the restarting speaker', () => {
  it('router keeps the route as stale across kill -9, then the restarted speaker refreshes it', async () => {
    const config = {
      sessions: [session(3, { gracefulRestart: { restartTime: 120 } })],
      routes: [{ prefix: '198.51.100.30/32' }],
    };
    const first = await startSpeaker(nodes[2]!, config);
    await first.waitEvent((e) => e.event === 'established', 'GR session established');
    await waitFor(async () => (await router.route('198.51.100.30/32')) !== undefined, {
      timeoutMs: 10_000,
      description: 'route in the kernel',
    });
    const neighbor = (await frr.bgpNeighbors('192.0.2.13'))['192.0.2.13'];
    expect(JSON.stringify(neighbor?.gracefulRestartInfo ?? {})).toMatch(/"remoteGrMode":"Restart"/);

    first.process.kill('SIGKILL');
    const stale = await waitFor(
      async () => {
        const p = (await frr.bgpRoute('198.51.100.30/32'))?.paths?.[0];
        return p?.stale ? p : undefined;
      },
      { timeoutMs: 10_000, description: 'route marked stale after kill -9' },
    );
    expect(stale.stale).toBe(true);
    const kernel = await router.route('198.51.100.30/32');
    expect(kernel && routeGateways(kernel)).toEqual(['192.0.2.13']);

    const second = await startSpeaker(nodes[2]!, config);
    speakers.push(second);
    await second.waitEvent((e) => e.event === 'established', 'GR session re-established');
    const fresh = await waitFor(
      async () => {
        const p = (await frr.bgpRoute('198.51.100.30/32'))?.paths?.[0];
        return p && !p.stale ? p : undefined;
      },
      { timeoutMs: 10_000, description: 'route refreshed (not stale) after End-of-RIB' },
    );
    expect(fresh.valid).toBe(true);
    expect(await router.route('198.51.100.30/32')).toBeDefined();
  });
});

describe('connection collision (RFC 4271 §6.8)', () => {
  it('FRR and the speaker both dial: one session comes up and stays up', async () => {
    const s = await startSpeaker(nodes[5]!, {
      listen: { host: '192.0.2.16', port: 179 },
      sessions: [session(6, { holdTime: 9 })],
      routes: [{ prefix: '198.51.100.60/32' }],
    });
    speakers.push(s);
    await s.waitEvent((e) => e.event === 'established', 'session established');
    await waitFor(async () => (await router.route('198.51.100.60/32')) !== undefined, {
      timeoutMs: 10_000,
      description: 'route in the kernel',
    });
    await new Promise((r) => setTimeout(r, 4000));
    const st = (await s.command<{ stats: { state: string; establishedCount: number }[] }>({ cmd: 'stats' }))
      .stats[0]!;
    expect(st.state).toBe('Established');
    expect(st.establishedCount).toBe(1);
    expect((await frr.bgpPeers())['192.0.2.16']?.state).toBe('Established');
  });
});

describe('hold timer', () => {
  it('detects a router that goes silent (bgpd stopped with SIGSTOP)', async () => {
    const s = await startSpeaker(nodes[4]!, { sessions: [session(5, { holdTime: 3 })] });
    speakers.push(s);
    await s.waitEvent((e) => e.event === 'established', 'session established');
    frr.bgpd.pause();
    try {
      const down = await s.waitEvent((e) => e.event === 'down', 'hold timer to expire', 10_000);
      expect(down.reason).toBe('holdTimerExpired');
      expect(down.notification).toMatchObject({ direction: 'sent', code: 4, subcode: 0 });
    } finally {
      frr.bgpd.resume();
    }
  });
});
