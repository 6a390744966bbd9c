import { fc, test } from '@fast-check/vitest';
import { IPAddress, IPRange, mergeRanges } from '@ironlb/netaddr';
import { describe, expect, it } from 'vitest';
import { OrdinalMap } from './ordinal-map.js';

function v4Range(first: number, last: number): IPRange {
  return IPRange.from(IPAddress.fromBigInt(4, BigInt(first)), IPAddress.fromBigInt(4, BigInt(last)));
}

describe('OrdinalMap', () => {
  test.prop([
    fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 600 })), { maxLength: 5 }),
    fc.boolean(),
  ])('numbers exactly the usable addresses, in order', (spans, avoid) => {
    const ranges = mergeRanges(spans.map(([start, len]) => v4Range(start, start + len)));
    const map = new OrdinalMap(4, ranges, avoid);
    const expected: bigint[] = [];
    for (const range of ranges) {
      for (let v = range.first.value; v <= range.last.value; v++) {
        const last = v & 0xffn;
        if (!avoid || (last !== 0n && last !== 255n)) expected.push(v);
      }
    }
    expect(map.size).toBe(BigInt(expected.length));
    // Compare whole arrays: one expect per run keeps this fast.
    expect(expected.map((_, i) => map.addressOf(BigInt(i)).value)).toEqual(expected);
    expect(expected.map((value) => map.ordinalOf(value))).toEqual(expected.map((_, i) => BigInt(i)));
    const known = new Set(expected);
    const outside: bigint[] = [];
    for (let v = 0n; v < 2700n; v++) if (!known.has(v) && map.ordinalOf(v) !== undefined) outside.push(v);
    expect(outside).toEqual([]);
  });

  it('counts a /64 exactly and maps its ends', () => {
    const range = IPRange.parse('2001:db8::-2001:db8::ffff:ffff:ffff:ffff');
    const map = new OrdinalMap(6, [range], true);
    expect(map.size).toBe(1n << 64n);
    expect(map.addressOf((1n << 64n) - 1n).toString()).toBe('2001:db8::ffff:ffff:ffff:ffff');
    expect(map.ordinalOf(IPAddress.parse('2001:db8::ff').value)).toBe(255n);
  });

  it('skips .0 and .255 across a /16 without listing them', () => {
    const map = new OrdinalMap(4, [IPRange.parse('10.1.0.0-10.1.255.255')], true);
    expect(map.size).toBe(65536n - 512n);
    expect(map.addressOf(0n).toString()).toBe('10.1.0.1');
    expect(map.addressOf(254n).toString()).toBe('10.1.1.1');
    expect(map.addressOf(map.size - 1n).toString()).toBe('10.1.255.254');
  });
});
