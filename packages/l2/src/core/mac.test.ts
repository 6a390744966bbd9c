import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { isMulticastMac, ipv6MulticastMac, macFromBytes, macToBytes, parseMac } from './mac.js';

describe('MacAddress', () => {
  it('parses and formats canonically', () => {
    expect(parseMac('02-00-00-00-0A-FF')).toBe('02:00:00:00:0a:ff');
    expect(macFromBytes(Uint8Array.of(9, 2, 0, 0, 0, 0, 0xab, 0xcd), 2)).toBe('00:00:00:00:ab:cd');
    expect(() => parseMac('02:00:00:00:00')).toThrow(
      expect.objectContaining({ code: 'ERR_IRONLB_L2_INVALID_MAC' }),
    );
  });

  it('maps IPv6 multicast groups to 33:33 MACs (RFC 2464 section 7)', () => {
    const group = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0x10);
    expect(ipv6MulticastMac(group)).toBe('33:33:ff:00:00:10');
  });

  it('knows the group bit', () => {
    expect(isMulticastMac('33:33:00:00:00:01')).toBe(true);
    expect(isMulticastMac('ff:ff:ff:ff:ff:ff')).toBe(true);
    expect(isMulticastMac('02:00:00:00:00:01')).toBe(false);
  });

  test.prop([fc.uint8Array({ minLength: 6, maxLength: 6 })])('bytes -> text -> bytes', (b) => {
    expect(macToBytes(macFromBytes(b))).toEqual(b);
  });
});
