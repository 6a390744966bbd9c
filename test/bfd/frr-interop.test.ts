// Interop of @ironlb/bfd with FRR's bfdd (8.4) in network namespaces: sessions come Up with
// the negotiated intervals, go Down when our process is killed or its link is cut, react to
// bfdd's AdminDown, and the TTL-255 rule of RFC 5881 is enforced on receipt.
import {
  createLab,
  requireRoot,
  startFrr,
  waitFor,
  type FrrRouter,
  type Lab,
  type Netns,
  type Switch,
} from '@ironlb/netlab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeControlPacket, BfdState } from '@ironlb/bfd';
import { SpeakerHandle } from '../../packages/bfd/bench/speaker-handle.js';

const ROUTER = '192.0.2.1';
const NODE = '192.0.2.11';
const ROUTER6 = '2001:db8::1';
const NODE6 = '2001:db8::11';
const profile = { transmitInterval: 100, receiveInterval: 100, detectMultiplier: 3 };

let lab: Lab;
let sw: Switch;
let router: Netns;
let node: Netns;
let frr: FrrRouter;
const speakers: SpeakerHandle[] = [];

async function startSpeaker(): Promise<SpeakerHandle> {
  const s = await SpeakerHandle.start(node, { sessions: [{ local: NODE, peer: ROUTER, profile }] });
  speakers.push(s);
  return s;
}

async function frrPeer() {
  return (await frr.bfdPeers()).find((p) => p.peer === NODE);
}

beforeAll(async () => {
  requireRoot();
  lab = await createLab({ tag: 'bfd' });
  sw = await lab.addSwitch();
  router = await lab.addHost('router', {
    switch: sw,
    link: { mac: '02:00:00:00:00:01' },
    addresses: [`${ROUTER}/24`, `${ROUTER6}/64`],
    role: 'router',
  });
  node = await lab.addHost('node1', {
    switch: sw,
    link: { mac: '02:00:00:00:00:02' },
    addresses: [`${NODE}/24`, `${NODE6}/64`],
    role: 'node',
  });
  frr = await startFrr(router, {
    bfddConfig: [
      'hostname router',
      `log file ${lab.dir}/router-frr/bfdd.log informational`,
      '!',
      'bfd',
      ` peer ${NODE} local-address ${ROUTER} interface eth0`,
      '  receive-interval 100',
      '  transmit-interval 100',
      '  detect-multiplier 3',
      ' exit',
      'exit',
      '',
    ].join('\n'),
  });
});

afterAll(async () => {
  for (const s of speakers) if (s.process.alive()) s.killHard();
  await lab?.destroy();
});

describe('@ironlb/bfd against FRR bfdd', () => {
  it('comes Up with the negotiated intervals on both sides', async () => {
    const speaker = await startSpeaker();
    const up = await speaker.waitFor((l) => l.event === 'sessionUp', {
      timeoutMs: 10_000,
      description: 'our session Up',
    });
    expect(up).toMatchObject({ peer: ROUTER, state: 'Up' });
    // Once the Poll Sequences to the fast timers are over, both sides run at 100 ms x 3.
    const peer = await waitFor(
      async () => {
        const p = await frrPeer();
        return p?.status === 'up' && p['remote-transmit-interval'] === 100 ? p : undefined;
      },
      { timeoutMs: 10_000, description: 'bfdd sees the session up with our 100 ms' },
    );
    expect(peer).toMatchObject({
      'remote-receive-interval': 100,
      'remote-transmit-interval': 100,
      'remote-detect-multiplier': 3,
    });
    const ours = await waitFor(
      async () => {
        const sessions = (await speaker.stats()).sessions as {
          transmitIntervalMs: number;
          detectionTimeMs: number;
          state: string;
        }[];
        return sessions[0]?.transmitIntervalMs === 100 ? sessions[0] : undefined;
      },
      { timeoutMs: 10_000, description: 'our side negotiated 100 ms' },
    );
    expect(ours).toMatchObject({ state: 'Up', transmitIntervalMs: 100, detectionTimeMs: 300 });
  });

  it('goes Down on bfdd when our process is killed (kill -9)', async () => {
    const speaker = speakers.at(-1)!;
    const killedAt = performance.now();
    speaker.killHard();
    const peer = await waitFor(
      async () => {
        const p = await frrPeer();
        return p?.status === 'down' ? p : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 20, description: 'bfdd to notice our death' },
    );
    const elapsed = performance.now() - killedAt;
    expect(peer.diagnostic).toBe('control detection time expired');
    expect(elapsed).toBeLessThan(3_000); // 300 ms detection; generous for a loaded machine
  });

  it('goes Down on both sides when the link is cut, and Up again when it is back', async () => {
    const speaker = await startSpeaker();
    await speaker.waitFor((l) => l.event === 'sessionUp', {
      timeoutMs: 10_000,
      description: 'our session Up',
    });
    await waitFor(async () => (await frrPeer())?.status === 'up', {
      timeoutMs: 5_000,
      description: 'bfdd up',
    });
    const cutAt = Date.now();
    await sw.setPortState(node, 'down');
    const down = await speaker.waitFor((l) => l.event === 'sessionDown', {
      timeoutMs: 5_000,
      description: 'our session Down',
      since: cutAt,
    });
    expect(down).toMatchObject({ reason: 'controlDetectionTimeExpired' });
    await waitFor(async () => (await frrPeer())?.status === 'down', {
      timeoutMs: 5_000,
      description: 'bfdd down',
    });
    const restoredAt = Date.now();
    await sw.setPortState(node, 'up');
    await speaker.waitFor((l) => l.event === 'sessionUp', {
      timeoutMs: 10_000,
      description: 'Up again',
      since: restoredAt,
    });
    await waitFor(async () => (await frrPeer())?.status === 'up', {
      timeoutMs: 5_000,
      description: 'bfdd up again',
    });
  });

  it('goes Down with the neighbour diagnostic when bfdd shuts the peer down (AdminDown)', async () => {
    const speaker = speakers.at(-1)!;
    const since = Date.now();
    await frr.configure(['bfd', `peer ${NODE} local-address ${ROUTER} interface eth0`, 'shutdown']);
    const down = await speaker.waitFor((l) => l.event === 'sessionDown', {
      timeoutMs: 5_000,
      description: 'Down on AdminDown',
      since,
    });
    // bfdd 8.4 sends its AdminDown with Diag 0, so that is the remote reason we report.
    expect(down).toMatchObject({ reason: 'neighborSignaledSessionDown', remoteReason: 'noDiagnostic' });
    const back = Date.now();
    await frr.configure(['bfd', `peer ${NODE} local-address ${ROUTER} interface eth0`, 'no shutdown']);
    await speaker.waitFor((l) => l.event === 'sessionUp', {
      timeoutMs: 10_000,
      description: 'Up after no shutdown',
      since: back,
    });
  });

  it('discards packets that arrive with a TTL below 255 (RFC 5881 section 5)', async () => {
    const speaker = speakers.at(-1)!;
    const sessions = (await speaker.stats()).sessions as {
      localDiscriminator: number;
      remoteDiscriminator: number;
      state: string;
    }[];
    const s = sessions[0]!;
    expect(s.state).toBe('Up');
    // A forged AdminDown from the router's address and discriminators: with TTL 254 it must
    // not reach the session; with TTL 255 it does (and takes it Down).
    const forged = encodeControlPacket({
      diagnostic: 7,
      state: BfdState.AdminDown,
      poll: false,
      final: false,
      controlPlaneIndependent: false,
      demand: false,
      multipoint: false,
      detectMult: 3,
      myDiscriminator: s.remoteDiscriminator,
      yourDiscriminator: s.localDiscriminator,
      desiredMinTxInterval: 100_000,
      requiredMinRxInterval: 100_000,
      requiredMinEchoRxInterval: 0,
    });
    const send = async (ttl: number) => {
      const code = `
        const s = require('node:dgram').createSocket('udp4');
        s.bind({ address: '${ROUTER}', port: 0 }, () => {
          s.setTTL(${ttl});
          s.send(Buffer.from('${Buffer.from(forged).toString('hex')}', 'hex'), 3784, '${NODE}', () => s.close());
        });`;
      await router.run(['node', '-e', code]);
    };
    const since = Date.now();
    await send(254);
    await new Promise((r) => setTimeout(r, 300));
    expect(speaker.lines.some((l) => l.t >= since && l.event === 'sessionDown')).toBe(false);
    await send(255);
    const down = await speaker.waitFor((l) => l.event === 'sessionDown', {
      timeoutMs: 5_000,
      description: 'Down on the TTL-255 forgery',
      since,
    });
    expect(down).toMatchObject({ reason: 'neighborSignaledSessionDown' });
  });

  it('runs over IPv6 too (hop limit 255, udp6)', async () => {
    await frr.configure([
      'bfd',
      `peer ${NODE6} local-address ${ROUTER6} interface eth0`,
      'receive-interval 100',
      'transmit-interval 100',
    ]);
    const speaker = await SpeakerHandle.start(node, { sessions: [{ local: NODE6, peer: ROUTER6, profile }] });
    speakers.push(speaker);
    await speaker.waitFor((l) => l.event === 'sessionUp', {
      timeoutMs: 10_000,
      description: 'IPv6 session Up',
    });
    const peer = await waitFor(
      async () =>
        (await frr.bfdPeers()).find(
          (p) => p.peer === NODE6 && p.status === 'up' && p['remote-transmit-interval'] === 100,
        ),
      { timeoutMs: 10_000, description: 'bfdd sees the IPv6 session up at 100 ms' },
    );
    expect(peer).toMatchObject({ 'remote-receive-interval': 100, 'remote-detect-multiplier': 3 });
    speaker.killHard();
    await waitFor(async () => (await frr.bfdPeers()).some((p) => p.peer === NODE6 && p.status === 'down'), {
      timeoutMs: 5_000,
      description: 'bfdd notices the IPv6 peer is gone',
    });
  });
});
