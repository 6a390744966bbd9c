import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { IPAddress } from './address.js';
import { NetaddrError, NetaddrErrorCode } from './errors.js';
import { parsePoolEntry, tryParsePoolEntry } from './pool-entry.js';
import { Prefix } from './prefix.js';
import { IPRange } from './range.js';

function rangeArb(family: 4 | 6) {
  const max = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
  return fc
    .tuple(fc.bigInt({ min: 0n, max }), fc.bigInt({ min: 0n, max: 1n << 20n }))
    .map(([start, span]) => {
      const end = start + span > max ? max : start + span;
      return IPRange.from(IPAddress.fromBigInt(family, start), IPAddress.fromBigInt(family, end));
    });
}
const anyRange = fc.oneof(rangeArb(4), rangeArb(6));

describe('IPRange.parse', () => {
  it.each([
    ['192.0.2.10-192.0.2.20', '192.0.2.10-192.0.2.20', 11n],
    ['192.0.2.10 - 192.0.2.20', '192.0.2.10-192.0.2.20', 11n],
    ['192.0.2.7-192.0.2.7', '192.0.2.7-192.0.2.7', 1n],
    ['2001:DB8::1-2001:db8::ff', '2001:db8::1-2001:db8::ff', 255n],
  ])('%s', (text, canonical, size) => {
    const range = IPRange.parse(text);
    expect(range.toString()).toBe(canonical);
    expect(range.size()).toBe(size);
  });

  it.each([
    ['192.0.2.20-192.0.2.10', NetaddrErrorCode.rangeOrder],
    ['192.0.2.1-2001:db8::1', NetaddrErrorCode.familyMismatch],
    ['192.0.2.1-', NetaddrErrorCode.syntax],
    ['-192.0.2.1', NetaddrErrorCode.syntax],
    ['192.0.2.1-192.0.2.5-192.0.2.9', NetaddrErrorCode.syntax],
    ['192.0.2.01-192.0.2.9', NetaddrErrorCode.leadingZero],
    ['fe80::1%eth0-fe80::9', NetaddrErrorCode.zone],
    ['192.0.2.0/24-192.0.3.0/24', NetaddrErrorCode.syntax],
  ])('rejects %s (%s)', (text, code) => {
    const result = IPRange.tryParse(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });
});

describe('IPRange operations', () => {
  it('iterates lazily, in order', () => {
    expect([...IPRange.parse('192.0.2.254-192.0.3.1')].map(String)).toEqual([
      '192.0.2.254',
      '192.0.2.255',
      '192.0.3.0',
      '192.0.3.1',
    ]);
    const huge = IPRange.fromPrefix(Prefix.parse('2001:db8::/64'));
    const iterator = huge[Symbol.iterator]();
    expect(iterator.next().value?.toString()).toBe('2001:db8::');
  });

  it.each([
    ['192.0.2.0-192.0.2.255', ['192.0.2.0/24']],
    ['192.0.2.1-192.0.2.6', ['192.0.2.1/32', '192.0.2.2/31', '192.0.2.4/31', '192.0.2.6/32']],
    ['0.0.0.0-255.255.255.255', ['0.0.0.0/0']],
    ['192.0.2.255-192.0.3.0', ['192.0.2.255/32', '192.0.3.0/32']],
    ['2001:db8::-2001:db8::1:0', ['2001:db8::/112', '2001:db8::1:0/128']],
  ])('toPrefixes(%s)', (text, prefixes) => {
    expect(IPRange.parse(text).toPrefixes().map(String)).toEqual(prefixes);
  });

  test.prop([anyRange])('toPrefixes covers exactly the range with aligned, adjacent blocks', (range) => {
    const prefixes = range.toPrefixes();
    expect(prefixes[0]!.first.equals(range.first)).toBe(true);
    expect(prefixes[prefixes.length - 1]!.last.equals(range.last)).toBe(true);
    for (let i = 1; i < prefixes.length; i++) {
      expect(prefixes[i]!.first.value).toBe(prefixes[i - 1]!.last.value + 1n);
    }
    expect(prefixes.reduce((sum, p) => sum + p.size(), 0n)).toBe(range.size());
    // Minimal: no two neighbours could merge into one prefix.
    for (let i = 1; i < prefixes.length; i++) {
      const a = prefixes[i - 1]!;
      const b = prefixes[i]!;
      const mergeable =
        a.length === b.length &&
        a.length > 0 &&
        Prefix.containing(a.first, a.length - 1).equals(Prefix.containing(b.first, b.length - 1));
      expect(mergeable).toBe(false);
    }
  });

  test.prop([anyRange, anyRange])('overlaps is symmetric and means a shared address', (a, b) => {
    expect(a.overlaps(b)).toBe(b.overlaps(a));
    expect(a.overlaps(b)).toBe(a.contains(b.first) || b.contains(a.first));
  });

  test.prop([anyRange])('parse(toString(r)) equals r', (range) => {
    expect(IPRange.parse(range.toString()).equals(range)).toBe(true);
  });

  it('converts to a single prefix when it is one', () => {
    expect(IPRange.parse('192.0.2.0-192.0.2.127').toPrefix()?.toString()).toBe('192.0.2.0/25');
    expect(IPRange.parse('192.0.2.1-192.0.2.127').toPrefix()).toBeUndefined();
  });
});

describe('parsePoolEntry', () => {
  it.each([
    ['192.0.2.0/30', '192.0.2.0-192.0.2.3'],
    ['192.0.2.10-192.0.2.12', '192.0.2.10-192.0.2.12'],
    ['192.0.2.9', '192.0.2.9-192.0.2.9'],
    ['2001:db8::/126', '2001:db8::-2001:db8::3'],
    ['2001:db8::5', '2001:db8::5-2001:db8::5'],
  ])('%s', (text, range) => {
    expect(parsePoolEntry(text).toString()).toBe(range);
  });

  it.each([
    ['192.0.2.1/24', NetaddrErrorCode.hostBits],
    ['192.0.2.9-192.0.2.1', NetaddrErrorCode.rangeOrder],
    ['::ffff:192.0.2.9', NetaddrErrorCode.ipv4Mapped],
    ['192.0.2.09', NetaddrErrorCode.leadingZero],
    ['fe80::1%eth0', NetaddrErrorCode.zone],
    ['', NetaddrErrorCode.syntax],
  ])('rejects %j (%s)', (text, code) => {
    const result = tryParsePoolEntry(text);
    expect(result.ok ? undefined : result.error.code).toBe(code);
  });

  test.prop([fc.string({ maxLength: 60 }), fc.stringMatching(/^[0-9a-fA-F:.\-/%]{0,45}$/)])(
    'arbitrary text only ever fails with a NetaddrError',
    (a, b) => {
      for (const text of [a, b]) {
        try {
          parsePoolEntry(text);
        } catch (error) {
          expect(error).toBeInstanceOf(NetaddrError);
        }
      }
    },
  );
});
