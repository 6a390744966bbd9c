import { describe, expect, it } from 'vitest';
import type { AuthConfig } from '../auth/authenticate.js';
import { decodeControlPacket } from '../codec/control-packet.js';
import { AuthType, BfdState } from '../constants.js';
import { config, MS, sends } from '../../testing/session-builders.js';
import type { SessionAction, SessionState } from './session-types.js';
import { initSession, step } from './step.js';

const key = new TextEncoder().encode('k3y');

/** Two sessions wired back to back; packets are delivered as bytes through the decoder. */
function pair(auth: AuthConfig) {
  const a = initSession(
    config({ auth, localDiscriminator: 1, initialXmitAuthSeq: 0xfffffffe, jitterSeed: 1 }),
    0,
  ).state;
  const b = initSession(
    config({ auth, localDiscriminator: 2, initialXmitAuthSeq: 77, jitterSeed: 2 }),
    0,
  ).state;
  return { a, b };
}

function deliver(to: SessionState, actions: readonly SessionAction[], now: number) {
  let s = to;
  const out: SessionAction[] = [];
  for (const send of sends(actions)) {
    const { packet, bytes } = decodeControlPacket(send.bytes);
    const r = step(s, { type: 'PacketReceived', now, packet, bytes });
    s = r.state;
    out.push(...r.actions);
  }
  return { state: s, actions: out };
}

describe.each([
  ['Keyed SHA1', AuthType.KeyedSHA1],
  ['Meticulous Keyed SHA1', AuthType.MeticulousKeyedSHA1],
  ['Keyed MD5', AuthType.KeyedMD5],
  ['Meticulous Keyed MD5', AuthType.MeticulousKeyedMD5],
  ['Simple Password', AuthType.SimplePassword],
] as const)('authenticated sessions: %s', (_name, type) => {
  const auth: AuthConfig = { type, keyId: 3, key };

  it('come Up with each other, across a sequence number wrap', () => {
    let { a, b } = pair(auth);
    let now = 0;
    let fromA = step(a, { type: 'TxTimerExpired', now });
    a = fromA.state;
    for (let i = 0; i < 8; i++) {
      now += 10 * MS;
      const atB = deliver(b, fromA.actions, now);
      b = atB.state;
      const atA = deliver(a, atB.actions, now);
      a = atA.state;
      fromA = { state: a, actions: atA.actions };
      expect([...atA.actions, ...atB.actions].filter((x) => x.type === 'dropped')).toEqual([]);
      if (a.sessionState === BfdState.Up && b.sessionState === BfdState.Up) break;
    }
    expect(a.sessionState).toBe(BfdState.Up);
    expect(b.sessionState).toBe(BfdState.Up);
    if (type !== AuthType.SimplePassword) expect(a.authSequence.xmitAuthSeq).toBeLessThan(0xfffffffe);
  });

  it('drops a packet signed with another key', () => {
    const { b } = pair(auth);
    const other = initSession(
      config({ auth: { ...auth, key: new Uint8Array([9]) }, localDiscriminator: 5 }),
      0,
    ).state;
    const r = step(other, { type: 'TxTimerExpired', now: 0 });
    const got = deliver(b, r.actions, 0);
    expect(got.actions).toContainEqual({
      type: 'dropped',
      reason: type === AuthType.SimplePassword ? 'authPasswordMismatch' : 'authDigestMismatch',
    });
    expect(got.state.remoteDiscr).toBe(0);
  });
});

describe('sequence numbers', () => {
  it('Meticulous: a replayed packet is dropped', () => {
    const auth: AuthConfig = { type: AuthType.MeticulousKeyedSHA1, keyId: 1, key };
    const { a, b } = pair(auth);
    const r = step(a, { type: 'TxTimerExpired', now: 0 });
    const once = deliver(b, r.actions, 0);
    const twice = deliver(once.state, r.actions, 1);
    expect(twice.actions).toContainEqual({ type: 'dropped', reason: 'authSequenceOutOfWindow' });
  });

  it('Keyed: the sequence number moves only when the content changes', () => {
    const auth: AuthConfig = { type: AuthType.KeyedSHA1, keyId: 1, key };
    let { a } = pair(auth);
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = step(a, { type: 'TxTimerExpired', now: a.txAt! });
      a = r.state;
      const s = sends(r.actions)[0]!.packet.authentication;
      seqs.push(s && 'sequenceNumber' in s ? s.sequenceNumber : -1);
    }
    expect(new Set(seqs).size).toBe(1);
  });

  it('bfd.AuthSeqKnown is forgotten after 2 x Detection Time without packets (section 6.8.1)', () => {
    const auth: AuthConfig = { type: AuthType.MeticulousKeyedSHA1, keyId: 1, key };
    const { a, b } = pair(auth);
    const first = step(a, { type: 'TxTimerExpired', now: 0 });
    const got = deliver(b, first.actions, 0).state;
    expect(got.authSequence.authSeqKnown).toBe(true);
    // A restarted peer starts from an unrelated sequence number.
    const restarted = initSession(
      config({ auth, localDiscriminator: 1, initialXmitAuthSeq: 1000, jitterSeed: 3 }),
      0,
    ).state;
    const again = step(restarted, { type: 'TxTimerExpired', now: 0 });
    const dt = 3 * 1_000_000; // remote Detect Mult 3 x its 1 s Desired Min TX while Down
    expect(deliver(got, again.actions, dt).actions).toContainEqual({
      type: 'dropped',
      reason: 'authSequenceOutOfWindow',
    });
    const later = deliver(got, again.actions, 2 * dt);
    expect(later.actions.filter((x) => x.type === 'dropped')).toEqual([]);
    expect(later.state.authSequence.rcvAuthSeq).toBe(1001);
  });
});
