import { createHash } from 'node:crypto';
import { toHex } from '@ironlb/wire';
import { describe, expect, it } from 'vitest';
import { decodeControlPacket, encodeControlPacket, type ControlPacket } from '../codec/control-packet.js';
import { AuthType, BfdState } from '../constants.js';
import {
  outgoingAuthSection,
  signEncodedPacket,
  verifyAuthentication,
  type AuthConfig,
  type AuthSequenceState,
} from './authenticate.js';

const key = new TextEncoder().encode('ironlb-key');
const packet: ControlPacket = {
  diagnostic: 0,
  state: BfdState.Up,
  poll: false,
  final: false,
  controlPlaneIndependent: false,
  demand: false,
  multipoint: false,
  detectMult: 3,
  myDiscriminator: 1,
  yourDiscriminator: 2,
  desiredMinTxInterval: 100_000,
  requiredMinRxInterval: 100_000,
  requiredMinEchoRxInterval: 0,
};
const fresh: AuthSequenceState = { rcvAuthSeq: 0, xmitAuthSeq: 0, authSeqKnown: false };

function signed(config: AuthConfig, seq: number, mutate?: (b: Uint8Array) => void) {
  const bytes = encodeControlPacket({ ...packet, authentication: outgoingAuthSection(config, seq) }).slice();
  signEncodedPacket(bytes, config);
  mutate?.(bytes);
  const decoded = decodeControlPacket(bytes);
  return { auth: decoded.packet.authentication, bytes: decoded.bytes, detectMult: decoded.packet.detectMult };
}

describe('signing (RFC 5880 sections 6.7.3, 6.7.4)', () => {
  it('puts SHA1 over the packet with the padded key in the hash field', () => {
    const config: AuthConfig = { type: AuthType.KeyedSHA1, keyId: 5, key };
    const bytes = encodeControlPacket({ ...packet, authentication: outgoingAuthSection(config, 42) }).slice();
    const withKey = bytes.slice();
    signEncodedPacket(bytes, config);
    // Independent oracle: node:crypto over the packet as it stood with the key in place.
    expect(toHex(bytes.subarray(32))).toBe(createHash('sha1').update(withKey).digest('hex'));
    expect(toHex(withKey.subarray(32))).toBe(toHex(key) + '00'.repeat(20 - key.length));
  });

  it('puts MD5 over the packet for Keyed MD5', () => {
    const config: AuthConfig = { type: AuthType.KeyedMD5, keyId: 5, key };
    const bytes = encodeControlPacket({ ...packet, authentication: outgoingAuthSection(config, 42) }).slice();
    const withKey = bytes.slice();
    signEncodedPacket(bytes, config);
    expect(toHex(bytes.subarray(32))).toBe(createHash('md5').update(withKey).digest('hex'));
  });
});

describe('verifyAuthentication', () => {
  const sha: AuthConfig = { type: AuthType.KeyedSHA1, keyId: 5, key };
  const meticulous: AuthConfig = { type: AuthType.MeticulousKeyedSHA1, keyId: 5, key };

  it('accepts a good packet and learns the sequence number', () => {
    const r = verifyAuthentication(signed(sha, 1000), { config: sha, sequence: fresh });
    expect(r).toEqual({ ok: true, sequence: { rcvAuthSeq: 1000, xmitAuthSeq: 0, authSeqKnown: true } });
  });

  const rows: {
    name: string;
    config: AuthConfig | undefined;
    rx: ReturnType<typeof signed> | undefined;
    reason: string;
  }[] = [
    {
      name: 'A bit without auth configured',
      config: undefined,
      rx: signed(sha, 1),
      reason: 'authUnexpected',
    },
    { name: 'no A bit with auth configured', config: sha, rx: undefined, reason: 'authMissing' },
    { name: 'other type', config: meticulous, rx: signed(sha, 1), reason: 'authTypeMismatch' },
    { name: 'other key id', config: { ...sha, keyId: 6 }, rx: signed(sha, 1), reason: 'authKeyIdMismatch' },
    {
      name: 'other key',
      config: { ...sha, key: new Uint8Array([1]) },
      rx: signed(sha, 1),
      reason: 'authDigestMismatch',
    },
    {
      name: 'one flipped bit in the header',
      config: sha,
      rx: signed(sha, 1, (b) => (b[5] ^= 1)),
      reason: 'authDigestMismatch',
    },
    {
      name: 'wrong password',
      config: { type: AuthType.SimplePassword, keyId: 1, key: new Uint8Array([1, 2]) },
      rx: signed({ type: AuthType.SimplePassword, keyId: 1, key: new Uint8Array([1, 3]) }, 0),
      reason: 'authPasswordMismatch',
    },
  ];
  it.each(rows)('drops: $name', ({ config, rx, reason }) => {
    const received = rx ?? { auth: undefined, bytes: encodeControlPacket(packet), detectMult: 3 };
    expect(verifyAuthentication(received, { config, sequence: fresh })).toEqual({ ok: false, reason });
  });

  it('accepts no auth when none is configured, and a right password', () => {
    expect(
      verifyAuthentication(
        { auth: undefined, bytes: encodeControlPacket(packet), detectMult: 3 },
        { config: undefined, sequence: fresh },
      ).ok,
    ).toBe(true);
    const pw: AuthConfig = { type: AuthType.SimplePassword, keyId: 1, key };
    expect(verifyAuthentication(signed(pw, 0), { config: pw, sequence: fresh }).ok).toBe(true);
  });

  describe('sequence windows, read circularly (3 x Detect Mult = 9 here)', () => {
    const known = (rcvAuthSeq: number): AuthSequenceState => ({
      rcvAuthSeq,
      xmitAuthSeq: 0,
      authSeqKnown: true,
    });
    const cases: [string, AuthConfig, number, number, boolean][] = [
      ['keyed: same number again', sha, 100, 100, true],
      ['keyed: +9', sha, 100, 109, true],
      ['keyed: +10', sha, 100, 110, false],
      ['keyed: one behind', sha, 100, 99, false],
      ['meticulous: same number again', meticulous, 100, 100, false],
      ['meticulous: +1', meticulous, 100, 101, true],
      ['meticulous: +9', meticulous, 100, 109, true],
      ['meticulous: +10', meticulous, 100, 110, false],
      ['meticulous: wraps past 2^32', meticulous, 0xfffffffe, 3, true],
      ['keyed: far ahead', sha, 100, 0x80000000, false],
    ];
    it.each(cases)('%s', (_name, config, last, seq, ok) => {
      const r = verifyAuthentication(signed(config, seq), { config, sequence: known(last) });
      expect(r.ok).toBe(ok);
      if (!r.ok) expect(r.reason).toBe('authSequenceOutOfWindow');
    });
  });

  it('leaves the sequence state untouched when the digest is wrong', () => {
    const state = { rcvAuthSeq: 100, xmitAuthSeq: 0, authSeqKnown: true };
    const r = verifyAuthentication(
      signed(sha, 101, (b) => (b[40] ^= 0xff)),
      { config: sha, sequence: state },
    );
    expect(r).toEqual({ ok: false, reason: 'authDigestMismatch' });
  });
});
