// BgpPeers over in-memory TCP (a scripted router per peer) with a recording BFD controller:
// sessions follow the desired peers, routes go out, passwords come from Secrets, and BFD Down
// tears the BGP session down at once.
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { FakePeer, flush, ManualClock, MemoryNetwork, prefixText } from '@ironlb/bgp/testing';
import type { BfdController, BfdEvent, BfdSessionInfo, BfdSessionSpec } from '@ironlb/bfd';
import { bfdProfile, bgpPeer } from '@ironlb/config/testing';
import type { BgpPeerConfig } from '@ironlb/config';
import { speakerConfigOf } from '../testing/builders.js';
import { BgpPeers } from './bgp-peers.js';
import { StaticSecretSource } from './secrets.js';

class RecordingBfd implements BfdController {
  readonly added: BfdSessionSpec[] = [];
  readonly removed: string[] = [];
  readonly #listeners = new Set<(e: BfdEvent) => void>();

  async addSession(spec: BfdSessionSpec) {
    this.added.push(spec);
    return { ok: true as const, session: info(spec, 'Down'), warnings: [] };
  }
  async removeSession(key: string) {
    this.removed.push(key);
    return true;
  }
  updateProfile() {
    return { ok: true as const };
  }
  setAdminDown() {
    return true;
  }
  sessions() {
    return [];
  }
  stats(): never {
    throw new Error('not used');
  }
  resetStats() {}
  on(listener: (e: BfdEvent) => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  async close() {}
  emit(e: BfdEvent): void {
    for (const l of this.#listeners) l(e);
  }
}

function info(spec: BfdSessionSpec, state: BfdSessionInfo['state']): BfdSessionInfo {
  return {
    key: `${spec.localAddress}>${spec.peerAddress}`,
    peerAddress: spec.peerAddress,
    localAddress: spec.localAddress,
    sourcePort: 49152,
    state,
    remoteState: state,
    localDiscriminator: 1,
    remoteDiscriminator: 2,
    localDiagnostic: 'noDiagnostic',
    transmitIntervalMs: 100,
    detectionTimeMs: 300,
    remoteMinRxIntervalMs: 100,
    remoteDesiredMinTxIntervalMs: 100,
    remoteDetectMult: 3,
  };
}

const config = speakerConfigOf({
  bfdProfiles: [bfdProfile('fast', { receiveInterval: 100, transmitInterval: 150, detectMultiplier: 4 })],
  bgpPeers: [
    bgpPeer('tor', {
      myASN: 64513,
      peerASN: 64512,
      peerAddress: '192.0.2.1',
      holdTime: '9s',
      bfdProfile: 'fast',
    }),
    bgpPeer('md5', {
      myASN: 64513,
      peerASN: 64512,
      peerAddress: '192.0.2.2',
      passwordSecret: { name: 'bgp-md5' },
    }),
  ],
});
const peer = (name: string): BgpPeerConfig => config.bgpPeers.find((p) => p.name === name)!;

function setup() {
  const net = new MemoryNetwork();
  const routers = new Map<string, FakePeer[]>();
  for (const address of ['192.0.2.1', '192.0.2.2']) {
    routers.set(address, []);
    net.listen(address, 179, (s) => routers.get(address)!.push(new FakePeer(s)));
  }
  const bfd = new RecordingBfd();
  const secrets = new StaticSecretSource();
  secrets.set('ironlb-system', 'bgp-md5', { password: 's3cret' });
  const changes: string[] = [];
  const peers = new BgpPeers({
    logger: pino({ level: 'silent' }),
    bfd,
    secrets,
    localAddressFor: async () => '192.0.2.11',
    onChange: (p) => changes.push(p),
    dialer: net.dialer('192.0.2.11'),
    clock: new ManualClock(),
  });
  return { net, routers, bfd, peers, changes };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await flush();
    await new Promise((r) => setImmediate(r));
  }
}

describe('BgpPeers', () => {
  it('opens one session per peer, advertises, and runs BFD for the peer with a profile', async () => {
    const t = setup();
    t.peers.setPeers([{ peer: peer('tor'), bfd: config.bfdProfiles[0]! }], { ipv4: '192.0.2.11' });
    t.peers.setAdvertisements('tor', [{ prefix: '203.0.113.10/32', communities: [100] }]);
    await settle();
    const router = t.routers.get('192.0.2.1')![0]!;
    const open = router.of('open')[0]!;
    expect(open.holdTime).toBe(9);
    router.send(FakePeer.open({ holdTime: 9 }));
    router.send({ type: 'keepalive' });
    await settle();
    expect(t.peers.sessions()).toMatchObject([
      { peer: 'tor', state: 'Established', holdTime: 9, bfdState: 'Down' },
    ]);
    const nlri = router.of('update').flatMap((u) => u.nlri.map(prefixText));
    expect(nlri).toEqual(['203.0.113.10/32']);
    expect(t.bfd.added).toEqual([
      {
        localAddress: '192.0.2.11',
        peerAddress: '192.0.2.1',
        profile: { receiveInterval: 100, transmitInterval: 150, detectMultiplier: 4, passiveMode: false },
      },
    ]);
    // BFD goes Down: the BGP session is torn down at once with Cease / BFD Down (RFC 9384).
    const s = t.bfd.added[0]!;
    t.bfd.emit({ type: 'sessionUp', session: info(s, 'Up') });
    t.bfd.emit({ type: 'sessionDown', session: info(s, 'Down'), reason: 'controlDetectionTimeExpired' });
    await settle();
    const notification = router.of('notification')[0]!;
    expect([notification.code, notification.subcode]).toEqual([6, 10]);
    expect(t.peers.sessions()[0]).toMatchObject({
      bfdState: 'Down',
      lastError: 'sent: Cease/BfdDown',
    });
  });

  it('reads the TCP-MD5 password from the Secret the peer names', async () => {
    const t = setup();
    t.peers.setPeers([{ peer: peer('md5') }], { ipv4: '192.0.2.11' });
    await settle();
    expect(t.net.dials.map((d) => d.md5Key)).toEqual(['s3cret']);
  });

  it('stops sessions of peers no longer wanted, and restarts changed ones', async () => {
    const t = setup();
    t.peers.setPeers([{ peer: peer('tor'), bfd: config.bfdProfiles[0]! }], { ipv4: '192.0.2.11' });
    await settle();
    const router = t.routers.get('192.0.2.1')![0]!;
    router.send(FakePeer.open());
    router.send({ type: 'keepalive' });
    await settle();
    // The node's address changed: the router ID changes, so the session restarts.
    t.peers.setPeers([{ peer: peer('tor'), bfd: config.bfdProfiles[0]! }], { ipv4: '192.0.2.99' });
    await settle();
    expect(router.of('notification').map((n) => [n.code, n.subcode])).toEqual([[6, 2]]);
    expect(t.routers.get('192.0.2.1')).toHaveLength(2);
    t.peers.setPeers([], { ipv4: '192.0.2.99' });
    await settle();
    expect(t.peers.sessions()).toEqual([]);
    expect(t.bfd.removed).toHaveLength(2);
  });

  it('reports a peer it cannot start (no router ID)', async () => {
    const t = setup();
    t.peers.setPeers([{ peer: peer('tor') }], {});
    await settle();
    expect(t.peers.sessions()).toMatchObject([
      { peer: 'tor', state: 'Idle', lastError: expect.stringContaining('router ID') },
    ]);
  });
});
