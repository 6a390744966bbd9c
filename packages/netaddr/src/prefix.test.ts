import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { IPAddress } from './address.js';
import { NetaddrErrorCode } from './errors.js';
import { Prefix } from './prefix.js';

const anyPrefix = fc.oneof(
  fc
    .tuple(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.integer({ min: 0, max: 32 }))
    .map(([v, len]) => Prefix.containing(IPAddress.fromBigInt(4, v), len)),
  fc
    .tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 }))
    .filter(([v]) => v >> 32n !== 0xffffn)
    .map(([v, len]) => Prefix.containing(IPAddress.fromBigInt(6, v), len)),
);

describe('Prefix.parse', () => {
  it.each([
    ['192.0.2.0/24', '192.0.2.0', '192.0.2.255', 256n],
    ['192.0.2.7/32', '192.0.2.7', '192.0.2.7', 1n],
    ['0.0.0.0/0', '0.0.0.0', '255.255.255.255', 1n << 32n],
    ['2001:db8::/64', '2001:db8::', '2001:db8::ffff:ffff:ffff:ffff', 1n << 64n],
    ['2001:DB8:0::/32', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 1n << 96n],
    ['::/0', '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 1n << 128n],
  ])('%s', (text, first, last, size) => {
    const prefix = Prefix.parse(text);
    expect(prefix.first.toString()).toBe(first);
    expect(prefix.last.toString()).toBe(last);
    expect(prefix.size()).toBe(size);
  });

  it.each([
    ['192.0.2.1/24', NetaddrErrorCode.hostBits],
    ['2001:db8::1/64', NetaddrErrorCode.hostBits],
    ['192.0.2.0', NetaddrErrorCode.syntax],
    ['192.0.2.0/24/8', NetaddrErrorCode.syntax],
    ['192.0.2.0/33', NetaddrErrorCode.prefixLength],
    ['2001:db8::/129', NetaddrErrorCode.prefixLength],
    ['192.0.2.0/', NetaddrErrorCode.prefixLength],
    ['192.0.2.0/2x', NetaddrErrorCode.prefixLength],
    ['192.0.2.0/-1', NetaddrErrorCode.prefixLength],
    ['192.0.2.0/024', NetaddrErrorCode.leadingZero],
    ['192.000.2.0/24', NetaddrErrorCode.leadingZero],
    ['fe80::%eth0/64', NetaddrErrorCode.zone],
    ['::ffff:192.0.2.0/120', NetaddrErrorCode.ipv4Mapped],
  ])('rejects %s (%s)', (text, code) => {
    const result = Prefix.tryParse(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('suggests both readings when host bits are set', () => {
    const result = Prefix.tryParse('192.0.2.5/24');
    expect(!result.ok && result.error.message).toContain('192.0.2.0/24');
    expect(!result.ok && result.error.message).toContain('192.0.2.5/32');
  });

  it('parseLoose masks the host bits', () => {
    expect(Prefix.parseLoose('192.0.2.5/24').toString()).toBe('192.0.2.0/24');
    expect(Prefix.parseLoose('2001:db8::1/32').toString()).toBe('2001:db8::/32');
  });
});

describe('Prefix relations', () => {
  it('contains addresses and narrower prefixes of its family only', () => {
    const p = Prefix.parse('192.0.2.0/24');
    expect(p.contains(IPAddress.parse('192.0.2.200'))).toBe(true);
    expect(p.contains(IPAddress.parse('192.0.3.0'))).toBe(false);
    expect(p.contains(Prefix.parse('192.0.2.128/25'))).toBe(true);
    expect(p.contains(Prefix.parse('192.0.0.0/16'))).toBe(false);
    expect(Prefix.parse('::/0').contains(IPAddress.parse('192.0.2.1'))).toBe(false);
    expect(p.overlaps(Prefix.parse('192.0.0.0/16'))).toBe(true);
    expect(p.overlaps(Prefix.parse('192.0.3.0/24'))).toBe(false);
  });

  test.prop([anyPrefix])('first and last are inside, their neighbours outside', (p) => {
    expect(p.contains(p.first)).toBe(true);
    expect(p.contains(p.last)).toBe(true);
    const before = p.first.previous();
    const after = p.last.next();
    if (before) expect(p.contains(before)).toBe(false);
    if (after) expect(p.contains(after)).toBe(false);
    expect(p.last.value - p.first.value + 1n).toBe(p.size());
  });

  test.prop([anyPrefix])('parse(toString(p)) equals p', (p) => {
    expect(Prefix.parse(p.toString()).equals(p)).toBe(true);
  });

  test.prop([anyPrefix, anyPrefix])('overlaps is symmetric and means a shared address', (a, b) => {
    expect(a.overlaps(b)).toBe(b.overlaps(a));
    const shared = a.contains(b.first) || b.contains(a.first);
    expect(a.overlaps(b)).toBe(shared);
  });

  it('exposes the mask', () => {
    expect(Prefix.parse('192.0.2.0/24').mask).toBe(0xffffff00n);
    expect(Prefix.parse('0.0.0.0/0').mask).toBe(0n);
    expect(Prefix.host(IPAddress.parse('2001:db8::1')).toString()).toBe('2001:db8::1/128');
  });
});
