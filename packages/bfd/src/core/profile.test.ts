import { describe, expect, it } from 'vitest';
import { AuthType, authTypeFromName, diagnosticReason, stateName } from './constants.js';
import { resolveProfile, validateProfile } from './profile.js';

describe('profiles (MetalLB BFDProfile fields)', () => {
  it('fills in the defaults, in microseconds', () => {
    expect(resolveProfile({})).toEqual({
      desiredMinTxInterval: 300_000,
      requiredMinRxInterval: 300_000,
      detectMult: 3,
      passive: false,
    });
    expect(
      resolveProfile({ transmitInterval: 100, receiveInterval: 50, detectMultiplier: 5, passiveMode: true }),
    ).toEqual({
      desiredMinTxInterval: 100_000,
      requiredMinRxInterval: 50_000,
      detectMult: 5,
      passive: true,
    });
  });

  it.each([
    [{ receiveInterval: 9 }, 'receiveInterval'],
    [{ transmitInterval: 60001 }, 'transmitInterval'],
    [{ transmitInterval: 10.5 }, 'transmitInterval'],
    [{ detectMultiplier: 1 }, 'detectMultiplier'],
    [{ detectMultiplier: 256 }, 'detectMultiplier'],
    [{ echoInterval: 5 }, 'echoInterval'],
    [{ minimumTtl: 255 }, 'minimumTtl'],
    [{ authentication: { type: AuthType.KeyedSHA1, keyId: 1, key: new Uint8Array(21) } }, 'authentication'],
    [{ authentication: { type: AuthType.KeyedMD5, keyId: 1, key: new Uint8Array(17) } }, 'authentication'],
    [
      { authentication: { type: AuthType.SimplePassword, keyId: 256, key: new Uint8Array(1) } },
      'authentication',
    ],
  ] as const)('rejects %j', (profile, field) => {
    expect(validateProfile(profile)).toEqual([expect.objectContaining({ field, severity: 'error' })]);
  });

  it('accepts the edges and only warns about echo', () => {
    expect(
      validateProfile({
        receiveInterval: 10,
        transmitInterval: 60000,
        detectMultiplier: 255,
        minimumTtl: 254,
      }),
    ).toEqual([]);
    expect(
      validateProfile({ authentication: { type: AuthType.KeyedSHA1, keyId: 0, key: new Uint8Array(20) } }),
    ).toEqual([]);
    expect(validateProfile({ echoMode: true })).toEqual([
      expect.objectContaining({ field: 'echoMode', severity: 'warning' }),
    ]);
  });
});

describe('names', () => {
  it('spells states, diagnostics and auth types as the RFC does', () => {
    expect(stateName(0)).toBe('AdminDown');
    expect(stateName(9)).toBe('unknown(9)');
    expect(diagnosticReason(1)).toBe('controlDetectionTimeExpired');
    expect(diagnosticReason(8)).toBe('reverseConcatenatedPathDown');
    expect(diagnosticReason(20)).toBe('diagnostic20');
    expect(authTypeFromName('MeticulousKeyedSHA1')).toBe(AuthType.MeticulousKeyedSHA1);
    expect(authTypeFromName('Reserved')).toBeUndefined();
    expect(authTypeFromName('nope')).toBeUndefined();
  });
});
