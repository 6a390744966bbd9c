import { describe, expect, it } from 'vitest';
import { addressBytes, v4Mapped } from './address-bytes.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('addressBytes', () => {
  it.each([
    ['192.0.2.1', 4, 'c0000201'],
    ['0.0.0.0', 4, '00000000'],
    ['::', 6, '0'.repeat(32)],
    ['::1', 6, '0'.repeat(31) + '1'],
    ['2001:db8::1', 6, '20010db8' + '0'.repeat(23) + '1'],
    ['2001:db8:0:0:1:0:0:1', 6, '20010db8000000000001000000000001'],
    ['fe80::', 6, 'fe80' + '0'.repeat(28)],
    ['::ffff:192.0.2.1', 6, '00000000000000000000ffffc0000201'],
    ['64:ff9b::198.51.100.7', 6, '0064ff9b0000000000000000c6336407'],
  ])('%s', (text, family, bytes) => {
    const a = addressBytes(text);
    expect(a.family).toBe(family);
    expect(hex(a.bytes)).toBe(bytes);
    expect(a.scopeId).toBe(0);
  });

  it('takes a numeric or named IPv6 zone', () => {
    expect(addressBytes('fe80::1%7').scopeId).toBe(7);
    expect(addressBytes('fe80::1%lo').scopeId).toBe(1);
  });

  it.each(['example.com', '192.0.2', '1.2.3.4%eth0', '', '2001:db8::g', 'fe80::1%nosuchif0'])(
    'rejects %j with ERR_IRONLB_SYS_INVALID_ADDRESS',
    (text) => {
      expect(() => addressBytes(text)).toThrow(
        expect.objectContaining({ code: 'ERR_IRONLB_SYS_INVALID_ADDRESS' }),
      );
    },
  );

  it('maps IPv4 into IPv6', () => {
    expect(hex(v4Mapped(Uint8Array.of(192, 0, 2, 1)))).toBe('00000000000000000000ffffc0000201');
  });
});
