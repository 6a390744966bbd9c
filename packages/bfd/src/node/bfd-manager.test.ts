import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { encodeControlPacket } from '../core/codec/control-packet.js';
import { AuthType, BfdState } from '../core/constants.js';
import type { BfdProfile } from '../core/profile.js';
import { ManualScheduler } from '../testing/manual-scheduler.js';
import { MemoryNetwork } from '../testing/memory-network.js';
import { remote } from '../testing/session-builders.js';
import { BfdManager, sessionKey } from './bfd-manager.js';
import type { BfdEvent } from './session-types.js';

const logger = pino({ level: 'silent' });
const A = '192.0.2.11';
const B = '192.0.2.1';
const fast: BfdProfile = { transmitInterval: 100, receiveInterval: 100, detectMultiplier: 3 };
let counter = 1;

function setup(profileA: BfdProfile = fast, profileB: BfdProfile = fast) {
  const net = new MemoryNetwork();
  const clock = new ManualScheduler();
  const mk = () =>
    new BfdManager({
      logger,
      sockets: net.factory(),
      clock,
      scheduler: clock,
      random32: () => (counter++ * 2654435761) >>> 0,
    });
  const a = mk();
  const b = mk();
  const events: { who: 'a' | 'b'; event: BfdEvent; at: number }[] = [];
  a.on((event) => events.push({ who: 'a', event, at: clock.nowUs() }));
  b.on((event) => events.push({ who: 'b', event, at: clock.nowUs() }));
  const start = async () => {
    const ra = await a.addSession({ localAddress: A, peerAddress: B, profile: profileA });
    const rb = await b.addSession({ localAddress: B, peerAddress: A, profile: profileB });
    expect(ra.ok && rb.ok).toBe(true);
  };
  return { net, clock, a, b, events, start, keyA: sessionKey(A, B), keyB: sessionKey(B, A) };
}

describe('BfdManager over an in-memory network', () => {
  it('brings two sessions Up with the negotiated intervals', async () => {
    const t = setup(fast, { transmitInterval: 300, receiveInterval: 200, detectMultiplier: 5 });
    await t.start();
    t.clock.advance(3_000_000);
    expect(t.a.session(t.keyA)).toMatchObject({
      state: 'Up',
      remoteState: 'Up',
      transmitIntervalMs: 200, // max(our 100, its Required Min RX 200)
      detectionTimeMs: 1500, // its Detect Mult 5 x max(our 100, its 300)
    });
    expect(t.b.session(t.keyB)).toMatchObject({ state: 'Up', transmitIntervalMs: 300, detectionTimeMs: 600 });
    expect(
      t.events
        .filter((e) => e.event.type === 'sessionUp')
        .map((e) => e.who)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('sends from a fixed source port in 49152-65535 with TTL 255 to port 3784', async () => {
    const t = setup();
    await t.start();
    t.clock.advance(2_000_000);
    const fromA = t.net.sent.filter((d) => d.from.address === A);
    expect(fromA.length).toBeGreaterThan(5);
    const ports = new Set(fromA.map((d) => d.from.port));
    expect(ports.size).toBe(1);
    const [port] = ports;
    expect(port).toBeGreaterThanOrEqual(49152);
    expect(port).toBeLessThanOrEqual(65535);
    expect(fromA.every((d) => d.ttl === 255 && d.to.port === 3784 && d.to.address === B)).toBe(true);
  });

  it('goes Down after the detection time when the peer falls silent, with its reason', async () => {
    const t = setup();
    await t.start();
    t.clock.advance(3_000_000);
    const cutAt = t.clock.nowUs();
    t.net.cut(A);
    t.clock.advance(1_000_000);
    const down = t.events.find((e) => e.who === 'b' && e.event.type === 'sessionDown');
    expect(down?.event).toMatchObject({ reason: 'controlDetectionTimeExpired', session: { state: 'Down' } });
    // Detection time 300 ms after the last packet, which left at most 100 ms before the cut.
    expect(down!.at - cutAt).toBeLessThanOrEqual(300_000);
    expect(down!.at - cutAt).toBeGreaterThan(200_000);
    // a also lost b's packets and says so; after the cut is lifted both come back.
    t.net.restore(A);
    t.clock.advance(5_000_000);
    expect(t.a.session(t.keyA)?.state).toBe('Up');
    expect(t.b.session(t.keyB)?.state).toBe('Up');
  });

  it('signals AdminDown on removal; the peer goes Down with neighborSignaledSessionDown', async () => {
    const t = setup();
    await t.start();
    t.clock.advance(3_000_000);
    await t.a.removeSession(t.keyA);
    const down = t.events.find((e) => e.who === 'b' && e.event.type === 'sessionDown');
    expect(down?.event).toMatchObject({
      reason: 'neighborSignaledSessionDown',
      remoteReason: 'administrativelyDown',
    });
    expect(t.a.sessions()).toEqual([]);
    const lastFromA = t.net.sent.filter((d) => d.from.address === A).at(-1)!;
    expect(lastFromA.bytes[1]! >> 6).toBe(BfdState.AdminDown);
  });

  it('applies a profile change through a Poll Sequence', async () => {
    const t = setup();
    await t.start();
    t.clock.advance(3_000_000);
    expect(t.a.updateProfile(t.keyA, { transmitInterval: 300, receiveInterval: 50 })).toEqual({ ok: true });
    t.clock.advance(1_000_000);
    expect(t.b.session(t.keyB)).toMatchObject({ state: 'Up', transmitIntervalMs: 100, detectionTimeMs: 900 });
    expect(t.a.session(t.keyA)).toMatchObject({ state: 'Up', transmitIntervalMs: 300, detectionTimeMs: 300 });
  });

  it('rejects bad profiles, addresses and duplicates with reasons', async () => {
    const t = setup();
    await t.start();
    expect(await t.a.addSession({ localAddress: A, peerAddress: B, profile: fast })).toMatchObject({
      ok: false,
      reason: 'exists',
    });
    expect(
      await t.a.addSession({ localAddress: A, peerAddress: '2001:db8::1', profile: fast }),
    ).toMatchObject({ ok: false, reason: 'familyMismatch' });
    expect(await t.a.addSession({ localAddress: A, peerAddress: 'peer', profile: fast })).toMatchObject({
      ok: false,
      reason: 'invalidAddress',
    });
    const r = await t.a.addSession({
      localAddress: A,
      peerAddress: '192.0.2.99',
      profile: { detectMultiplier: 1, echoMode: true },
    });
    expect(r).toMatchObject({ ok: false, reason: 'invalidProfile' });
    expect(r.ok ? [] : 'problems' in r ? r.problems.map((p) => [p.field, p.severity]) : []).toEqual([
      ['detectMultiplier', 'error'],
      ['echoMode', 'warning'],
    ]);
    const echo = await t.a.addSession({
      localAddress: A,
      peerAddress: '192.0.2.98',
      profile: { echoMode: true },
    });
    expect(echo).toMatchObject({ ok: true, warnings: [{ field: 'echoMode', reason: 'notSupported' }] });
  });

  it('counts what it drops, by reason, and keeps running', async () => {
    const t = setup();
    await t.start();
    t.clock.advance(3_000_000);
    const to = { address: A, port: 3784 };
    const from = { address: B, port: 50000 };
    t.net.inject(from, to, new Uint8Array([0x20, 0x40]));
    t.net.inject(from, to, encodeControlPacket(remote({ detectMult: 0 })));
    t.net.inject(from, to, encodeControlPacket(remote({ myDiscriminator: 0 })));
    t.net.inject(from, to, encodeControlPacket(remote({ yourDiscriminator: 12345, state: BfdState.Up })));
    t.net.inject(from, to, encodeControlPacket(remote({ yourDiscriminator: 0, state: BfdState.Up })));
    t.net.inject(
      { address: '192.0.2.77', port: 50000 },
      to,
      encodeControlPacket(remote({ yourDiscriminator: 0 })),
    );
    const mine = t.a.session(t.keyA)!.localDiscriminator;
    t.net.inject(
      { address: '192.0.2.77', port: 50000 },
      to,
      encodeControlPacket(remote({ yourDiscriminator: mine })),
    );
    t.net.inject(from, to, encodeControlPacket(remote({ yourDiscriminator: mine, state: BfdState.Up }))); // fine
    t.net.inject(from, to, encodeControlPacket(remote({ yourDiscriminator: mine, state: BfdState.Up })), 254);
    expect(t.a.stats().drops).toEqual({
      malformed: 1,
      zeroDetectMult: 1,
      zeroMyDiscriminator: 1,
      unknownDiscriminator: 1,
      zeroYourDiscriminatorNotDown: 1,
      noSession: 1,
      sourceMismatch: 1,
    });
    t.clock.advance(1_000_000);
    expect(t.a.session(t.keyA)?.state).toBe('Up');
  });

  it('runs authenticated sessions and drops a peer with the wrong key', async () => {
    const key = new TextEncoder().encode('secret');
    const auth = { type: AuthType.MeticulousKeyedSHA1, keyId: 1, key } as const;
    const t = setup({ ...fast, authentication: auth }, { ...fast, authentication: auth });
    await t.start();
    t.clock.advance(3_000_000);
    expect(t.a.session(t.keyA)?.state).toBe('Up');
    const w = setup(
      { ...fast, authentication: auth },
      { ...fast, authentication: { ...auth, key: new Uint8Array([1]) } },
    );
    await w.start();
    w.clock.advance(3_000_000);
    expect(w.a.session(w.keyA)?.state).toBe('Down');
    expect(w.a.stats().drops.authDigestMismatch).toBeGreaterThan(0);
  });

  it('keeps one timer per session timer on the shared scheduler', async () => {
    const t = setup();
    await t.start();
    t.clock.advance(3_000_000);
    expect(t.clock.pending).toBe(4); // tx + detect, on each side
    await t.a.close();
    await t.b.close();
    expect(t.clock.pending).toBe(0);
  });
});
