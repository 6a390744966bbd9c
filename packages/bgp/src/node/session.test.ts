import { describe, expect, it } from 'vitest';
import { fromHex } from '@ironlb/wire';
import { FakePeer, flush, ManualClock, MemoryNetwork, prefixText } from '../testing/index.js';
import { BgpSession } from './session.js';
import type { BgpSessionOptions } from './session-options.js';

// The session against a scripted peer over in-memory sockets, with a manual clock: no real
// time and no real network.

function setup(options: Partial<BgpSessionOptions> = {}) {
  const clock = new ManualClock();
  const net = new MemoryNetwork();
  const peers: FakePeer[] = [];
  net.listen('192.0.2.1', 179, (s) => peers.push(new FakePeer(s)));
  const session = new BgpSession({
    localAs: 64513,
    peerAs: 64512,
    routerId: '192.0.2.11',
    peerAddress: '192.0.2.1',
    dialer: net.dialer('192.0.2.11'),
    clock,
    ...options,
  });
  const states: string[] = [];
  const downs: string[] = [];
  session.on('stateChange', (c) => states.push(c.to));
  session.on('down', (d) =>
    downs.push(d.reason + (d.notification ? ` ${d.notification.code}/${d.notification.subcode}` : '')),
  );
  return { clock, net, peers, session, states, downs };
}

type Setup = ReturnType<typeof setup>;

async function establish(t: Setup, open = FakePeer.open()): Promise<FakePeer> {
  t.session.start();
  await flush();
  const peer = t.peers.at(-1)!;
  expect(peer.of('open')).toHaveLength(1);
  peer.send(open);
  peer.send({ type: 'keepalive' });
  await flush();
  expect(t.session.state).toBe('Established');
  return peer;
}

function nlriOf(peer: FakePeer): string[] {
  return peer
    .of('update')
    .flatMap((u) => [
      ...u.nlri,
      ...u.pathAttributes.flatMap((a) => (a.type === 'MP_REACH_NLRI' ? a.nlri : [])),
    ])
    .map(prefixText);
}

function withdrawnOf(peer: FakePeer): string[] {
  return peer
    .of('update')
    .flatMap((u) => [
      ...u.withdrawnRoutes,
      ...u.pathAttributes.flatMap((a) => (a.type === 'MP_UNREACH_NLRI' ? a.withdrawn : [])),
    ])
    .map(prefixText);
}

describe('BgpSession: establishment and advertisement', () => {
  it('goes Idle -> Connect -> OpenSent -> OpenConfirm -> Established and sends the table, then End-of-RIB', async () => {
    const t = setup();
    t.session.setAdvertisements([
      { prefix: '198.51.100.10/32', communities: ['64512:100'] },
      { prefix: '2001:db8:100::10/128' },
    ]);
    const peer = await establish(t);
    expect(t.states).toEqual(['Connect', 'OpenSent', 'OpenConfirm', 'Established']);
    const open = peer.of('open')[0]!;
    expect(open.myAutonomousSystem).toBe(64513);
    expect(open.holdTime).toBe(90);
    // No IPv6 next hop on an IPv4 session: the IPv6 route is counted as unsendable.
    expect(nlriOf(peer)).toEqual(['198.51.100.10/32']);
    const updates = peer.of('update');
    // Table, then End-of-RIB for IPv4 and IPv6.
    expect(updates.slice(-2).map((u) => u.pathAttributes.length)).toEqual([0, 1]);
    const v4 = updates.find((u) => u.nlri.length > 0)!;
    expect(v4.pathAttributes).toContainEqual({ type: 'NEXT_HOP', nextHop: fromHex('c000020b') });
    expect(v4.pathAttributes).toContainEqual({ type: 'COMMUNITIES', communities: [64512 * 65536 + 100] });
    expect(t.session.stats()).toMatchObject({
      state: 'Established',
      prefixesAdvertised: { ipv4: 1, ipv6: 0 },
      prefixesUnsendable: 1,
      endOfRibSent: [4, 6],
      negotiated: { holdTime: 9, keepaliveTime: 3, peerAs: 64512, peerRouterId: '192.0.2.1' },
    });
  });

  it('sends IPv6 routes when an IPv6 next hop is configured', async () => {
    const t = setup({ nextHop: { ipv6: '2001:db8::11' } });
    t.session.setAdvertisements([{ prefix: '2001:db8:100::10/128' }]);
    const peer = await establish(t);
    const mp = peer.of('update')[0]!.pathAttributes[0]!;
    expect(mp).toMatchObject({ type: 'MP_REACH_NLRI', afi: 2, safi: 1 });
    expect(t.session.stats().prefixesAdvertised).toEqual({ ipv4: 0, ipv6: 1 });
  });

  it('waits for the first setAdvertisements before End-of-RIB (graceful restart needs the full table)', async () => {
    const t = setup();
    const peer = await establish(t);
    expect(peer.of('update')).toHaveLength(0);
    t.session.setAdvertisements([]);
    await flush();
    expect(peer.of('update')).toHaveLength(2);
  });

  it('sends only the difference on later calls, and withdraws removed prefixes', async () => {
    const t = setup();
    t.session.setAdvertisements([{ prefix: '198.51.100.10/32' }, { prefix: '198.51.100.11/32' }]);
    const peer = await establish(t);
    peer.received.length = 0;
    t.session.setAdvertisements([{ prefix: '198.51.100.10/32' }, { prefix: '198.51.100.11/32' }]);
    await flush();
    expect(peer.received).toEqual([]);
    t.session.setAdvertisements([{ prefix: '198.51.100.10/32', med: 5 }, { prefix: '198.51.100.12/32' }]);
    await flush();
    expect(nlriOf(peer).sort()).toEqual(['198.51.100.10/32', '198.51.100.12/32']);
    expect(withdrawnOf(peer)).toEqual(['198.51.100.11/32']);
  });

  it('returns invalid advertisements instead of throwing', () => {
    const t = setup();
    const r = t.session.setAdvertisements([{ prefix: 'not-a-prefix' }, { prefix: '198.51.100.10/32' }]);
    expect(r.accepted).toBe(1);
    expect(r.rejected.map((x) => x.reason)).toEqual(['invalidPrefix']);
  });

  it('advertises the Restart State bit only in the first session (RFC 4724)', async () => {
    const t = setup({ gracefulRestart: { restartTime: 120 } });
    t.session.setAdvertisements([]);
    const peer = await establish(t, FakePeer.open({ gracefulRestart: true }));
    const gr = (o: FakePeer) =>
      o
        .of('open')[0]!
        .optionalParameters.flatMap((p) => (p.type === 'capabilities' ? p.capabilities : []))
        .find((c) => c.kind === 'gracefulRestart');
    expect(gr(peer)).toMatchObject({ restartState: true, restartTime: 120 });
    expect(t.session.stats().negotiated?.gracefulRestart).toBe(true);
    peer.close();
    await flush();
    t.clock.advance(1000);
    await flush();
    expect(gr(t.peers[1]!)).toMatchObject({
      restartState: false,
      families: [{ forwardingState: true }, { forwardingState: true }],
    });
  });

  it('answers ROUTE-REFRESH by sending the family again', async () => {
    const t = setup();
    t.session.setAdvertisements([{ prefix: '198.51.100.10/32' }]);
    const peer = await establish(t);
    peer.received.length = 0;
    peer.send({ type: 'routeRefresh', afi: 1, subtype: 0, safi: 1 });
    await flush();
    expect(nlriOf(peer)).toEqual(['198.51.100.10/32']);
  });
});

describe('BgpSession: timers and failures', () => {
  it('detects a silent peer with the hold timer and sends Hold Timer Expired', async () => {
    const t = setup();
    const peer = await establish(t);
    t.clock.advance(3000);
    await flush();
    expect(peer.of('keepalive').length).toBeGreaterThanOrEqual(2);
    t.clock.advance(6000);
    await flush();
    expect(t.session.state).toBe('Idle');
    expect(t.downs).toEqual(['holdTimerExpired 4/0']);
    expect(peer.of('notification').at(-1)).toMatchObject({ code: 4, subcode: 0 });
    expect(peer.closed).toBe(true);
  });

  it('keeps the session while the peer sends keepalives', async () => {
    const t = setup();
    const peer = await establish(t);
    for (let i = 0; i < 10; i++) {
      t.clock.advance(3000);
      peer.send({ type: 'keepalive' });
      await flush();
    }
    expect(t.session.state).toBe('Established');
  });

  it('runs no timers with a negotiated hold time of 0', async () => {
    const t = setup({ holdTime: 0 });
    const peer = await establish(t, FakePeer.open({ holdTime: 0 }));
    t.clock.advance(3_600_000);
    await flush();
    expect(t.session.state).toBe('Established');
    expect(peer.of('keepalive')).toHaveLength(1);
  });

  it('reconnects after a dropped connection with a doubling idle hold', async () => {
    const t = setup();
    const peer = await establish(t);
    peer.close();
    await flush();
    expect(t.session.state).toBe('Idle');
    t.clock.advance(999);
    await flush();
    expect(t.peers).toHaveLength(1);
    t.clock.advance(1);
    await flush();
    expect(t.peers).toHaveLength(2);
    // The new connection fails too: 2 s this time.
    t.peers[1]!.close();
    await flush();
    t.clock.advance(1999);
    await flush();
    expect(t.peers).toHaveLength(2);
    t.clock.advance(1);
    await flush();
    expect(t.peers).toHaveLength(3);
  });

  it('damps a peer that answers every OPEN with a NOTIFICATION (MetalLB #780)', async () => {
    const t = setup();
    t.session.start();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await flush();
      times.push(t.clock.now());
      t.peers.at(-1)!.send({ type: 'notification', code: 6, subcode: 5, data: new Uint8Array(0) });
      await flush();
      t.clock.advance(20_000);
      await flush();
      while (t.peers.length === i + 1) {
        t.clock.advance(1000);
        await flush();
      }
    }
    expect(t.peers.length).toBeGreaterThanOrEqual(5);
    expect(t.session.stats().connectAttempts).toBe(t.peers.length);
  });

  it('retries dialling a peer that refuses connections', async () => {
    const t = setup({ peerAddress: '192.0.2.99' });
    t.session.start();
    await flush();
    t.clock.advance(1000);
    await flush();
    t.clock.advance(2000);
    await flush();
    expect(t.session.stats().connectAttempts).toBe(3);
    expect(t.session.state).toBe('Idle');
  });

  it('stop() sends Cease / Administrative Shutdown and does not reconnect', async () => {
    const t = setup();
    const peer = await establish(t);
    await t.session.stop({ text: 'node drained' });
    expect(peer.of('notification').at(-1)).toMatchObject({ code: 6, subcode: 2 });
    t.clock.advance(600_000);
    await flush();
    expect(t.peers).toHaveLength(1);
    expect(t.downs).toEqual(['manualStop 6/2']);
  });

  it('stop({ keepRoutes }) closes without a NOTIFICATION (graceful restart)', async () => {
    const t = setup();
    const peer = await establish(t);
    await t.session.stop({ keepRoutes: true });
    expect(peer.of('notification')).toEqual([]);
    expect(peer.closed).toBe(true);
  });

  it("reset('bfdDown') tears down at once with Cease / BFD Down and reconnects later", async () => {
    const t = setup();
    const peer = await establish(t);
    t.session.reset('bfdDown');
    expect(t.session.state).toBe('Idle');
    await flush();
    expect(peer.of('notification').at(-1)).toMatchObject({ code: 6, subcode: 10 });
    t.clock.advance(1000);
    await flush();
    expect(t.peers).toHaveLength(2);
  });
});

describe('BgpSession: malformed input', () => {
  it('answers a bad marker with Connection Not Synchronized and survives', async () => {
    const t = setup();
    const peer = await establish(t);
    peer.sendRaw(fromHex('00'.repeat(16) + '001304'));
    await flush();
    expect(peer.of('notification').at(-1)).toMatchObject({ code: 1, subcode: 1 });
    expect(t.session.state).toBe('Idle');
    expect(t.session.stats().malformedMessages).toBe(1);
  });

  it('answers an UPDATE with an unrecognized well-known attribute with 3/2 and the attribute as data', async () => {
    const t = setup();
    const peer = await establish(t);
    const body = '0000 0004 40630100';
    const len = 19 + fromHex(body).length;
    peer.sendRaw(fromHex('ff'.repeat(16) + len.toString(16).padStart(4, '0') + '02' + body));
    await flush();
    const n = peer.of('notification').at(-1)!;
    expect(n).toMatchObject({ code: 3, subcode: 2, data: fromHex('40630100') });
  });

  it('keeps the session on a treat-as-withdraw UPDATE and counts it (RFC 7606)', async () => {
    const t = setup();
    const peer = await establish(t);
    // ORIGIN, AS_PATH [64512], NEXT_HOP, COMMUNITIES of 5 octets (not a multiple of 4), one NLRI.
    const attrs = '40010100 40020602010000fc00 400304c0000201 c00805fc0100640a';
    const body = `0000 ${fromHex(attrs).length.toString(16).padStart(4, '0')} ${attrs} 20c6336401`;
    const len = 19 + fromHex(body).length;
    peer.sendRaw(fromHex('ff'.repeat(16) + len.toString(16).padStart(4, '0') + '02' + body));
    await flush();
    expect(t.session.state).toBe('Established');
    expect(t.session.stats()).toMatchObject({ updatesTreatedAsWithdraw: 1, malformedMessages: 0 });
  });

  it('tolerates routes the router re-advertises to us (FRR) and counts them', async () => {
    const t = setup();
    const peer = await establish(t);
    peer.send({
      type: 'update',
      withdrawnRoutes: [],
      pathAttributes: [
        { type: 'ORIGIN', origin: 0 },
        { type: 'AS_PATH', segments: [{ type: 2, asns: [64512, 64514] }] },
        { type: 'NEXT_HOP', nextHop: fromHex('c0000201') },
      ],
      nlri: [{ family: 4, length: 32, bytes: fromHex('c633640a') }],
    });
    peer.send({ type: 'update', withdrawnRoutes: [], pathAttributes: [], nlri: [] });
    await flush();
    expect(t.session.stats()).toMatchObject({
      state: 'Established',
      prefixesReceived: { announced: 1 },
      endOfRibReceived: [4],
    });
  });

  it('rejects an OPEN from the wrong AS with Bad Peer AS', async () => {
    const t = setup();
    t.session.start();
    await flush();
    t.peers[0]!.send(FakePeer.open({ asn: 65000 }));
    await flush();
    expect(t.peers[0]!.of('notification')[0]).toMatchObject({ code: 2, subcode: 2 });
    expect(t.downs).toEqual(['openRejected 2/2']);
  });
});

describe('BgpSession: passive side and collisions (RFC 4271 §6.8)', () => {
  it('accepts the peer connection in Active when passive', async () => {
    const t = setup({ passive: true });
    t.session.start();
    await flush();
    expect(t.session.state).toBe('Active');
    t.net.listen('192.0.2.11', 179, (s) => t.session.acceptConnection(s));
    const peer = new FakePeer(t.net.connect({ address: '192.0.2.1' }, { address: '192.0.2.11', port: 179 }));
    await flush();
    expect(peer.of('open')).toHaveLength(1);
    peer.send(FakePeer.open());
    peer.send({ type: 'keepalive' });
    await flush();
    expect(t.session.state).toBe('Established');
  });

  for (const [peerId, kept] of [
    ['192.0.2.200', 'incoming'],
    ['192.0.2.2', 'outgoing'],
  ] as const) {
    it(`keeps the ${kept} connection when the peer's identifier is ${peerId}`, async () => {
      const t = setup();
      t.net.listen('192.0.2.11', 179, (s) => t.session.acceptConnection(s));
      t.session.start();
      await flush();
      const outgoing = t.peers[0]!;
      const incoming = new FakePeer(
        t.net.connect({ address: '192.0.2.1' }, { address: '192.0.2.11', port: 179 }),
      );
      await flush();
      expect(incoming.of('open')).toHaveLength(1);
      const open = FakePeer.open({ routerId: peerId });
      outgoing.send(open);
      incoming.send(open);
      await flush();
      const loser = kept === 'incoming' ? outgoing : incoming;
      const winner = kept === 'incoming' ? incoming : outgoing;
      expect(loser.of('notification')[0]).toMatchObject({ code: 6, subcode: 7 });
      expect(loser.closed).toBe(true);
      winner.send({ type: 'keepalive' });
      await flush();
      expect(t.session.state).toBe('Established');
      expect(t.downs).toEqual([]);
    });
  }

  it('refuses a second connection while Established', async () => {
    const t = setup();
    t.net.listen('192.0.2.11', 179, (s) => t.session.acceptConnection(s));
    await establish(t);
    const extra = new FakePeer(t.net.connect({ address: '192.0.2.1' }, { address: '192.0.2.11', port: 179 }));
    await flush();
    expect(extra.closed).toBe(true);
    expect(t.session.state).toBe('Established');
  });
});

describe('BgpSession: transport options', () => {
  it('passes password, multihop TTL and GTSM to the dialer', async () => {
    const t = setup({ password: 's3cret', ttlSecurity: { hops: 1 }, localAddress: '192.0.2.11' });
    t.session.start();
    await flush();
    expect(t.net.dials[0]).toMatchObject({
      host: '192.0.2.1',
      port: 179,
      md5Key: 's3cret',
      ttl: 255,
      minTtl: 255,
      localAddress: '192.0.2.11',
    });
    await t.session.stop();
    const m = setup({ ebgpMultihop: 4 });
    m.session.start();
    await flush();
    expect(m.net.dials[0]).toMatchObject({ ttl: 4 });
    expect(m.net.dials[0]!.minTtl).toBeUndefined();
    await m.session.stop();
  });

  it('rejects bad configuration with ERR_IRONLB_BGP_CONFIG', () => {
    const base = { localAs: 64513, peerAs: 64512, routerId: '192.0.2.11', peerAddress: '192.0.2.1' };
    for (const bad of [
      { holdTime: 2 },
      { routerId: '2001:db8::1' },
      { localAs: 0 },
      { peerAddress: 'router' },
      { nextHop: { ipv4: '2001:db8::1' } },
    ]) {
      expect(() => new BgpSession({ ...base, ...bad })).toThrow(
        expect.objectContaining({ code: 'ERR_IRONLB_BGP_CONFIG' }),
      );
    }
  });
});
