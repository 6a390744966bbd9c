import { describe, expect, it } from 'vitest';
import { bytesEqual, concatBytes, fromHex, toHex } from './hex.js';

describe('hex', () => {
  it('parses annotated dumps', () => {
    const bytes = fromHex(`
      ffff ffff  # marker
      00:13-01   # length, type
    `);
    expect(toHex(bytes)).toBe('ffffffff001301');
  });

  it('rejects odd digit counts and non-hex characters', () => {
    expect(() => fromHex('abc')).toThrow(RangeError);
    expect(() => fromHex('zz')).toThrow(RangeError);
  });

  it('concatenates and compares', () => {
    const a = concatBytes(fromHex('01'), fromHex('0203'), new Uint8Array());
    expect(bytesEqual(a, fromHex('010203'))).toBe(true);
    expect(bytesEqual(a, fromHex('0102'))).toBe(false);
  });
});
