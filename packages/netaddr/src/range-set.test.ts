import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { IPAddress } from './address.js';
import { IPRange } from './range.js';
import { findOverlap, mergeRanges, subtractRanges } from './range-set.js';

// Small address universe (two families, values 0..63) so results can be checked by brute force.
const smallRange = fc
  .tuple(
    fc.constantFrom(4 as const, 6 as const),
    fc.integer({ min: 0, max: 63 }),
    fc.integer({ min: 0, max: 8 }),
  )
  .map(([family, start, span]) =>
    IPRange.from(
      IPAddress.fromBigInt(family, BigInt(start)),
      IPAddress.fromBigInt(family, BigInt(start + span)),
    ),
  );
const rangeList = fc.array(smallRange, { maxLength: 8 });

function members(ranges: readonly IPRange[]): Set<string> {
  const set = new Set<string>();
  for (const range of ranges) for (const ip of range) set.add(`${ip.family}/${ip.value}`);
  return set;
}

describe('range sets', () => {
  test.prop([rangeList])(
    'mergeRanges keeps the same addresses in sorted, disjoint, non-adjacent ranges',
    (ranges) => {
      const copy = ranges.map(String);
      const merged = mergeRanges(ranges);
      expect(members(merged)).toEqual(members(ranges));
      for (let i = 1; i < merged.length; i++) {
        const a = merged[i - 1]!;
        const b = merged[i]!;
        expect(a.family < b.family || a.last.value + 1n < b.first.value).toBe(true);
      }
      expect(ranges.map(String)).toEqual(copy);
    },
  );

  test.prop([rangeList, rangeList])('subtractRanges removes exactly the holes', (ranges, holes) => {
    const expected = members(ranges);
    for (const key of members(holes)) expected.delete(key);
    expect(members(subtractRanges(ranges, holes))).toEqual(expected);
  });

  test.prop([rangeList])('findOverlap finds a pair exactly when two ranges share an address', (ranges) => {
    const pair = findOverlap(ranges);
    const total = ranges.reduce((sum, r) => sum + Number(r.size()), 0);
    expect(pair !== undefined).toBe(members(ranges).size < total);
    if (pair) expect(pair[0].overlaps(pair[1])).toBe(true);
  });

  it('subtracts a reserved address from a pool', () => {
    const pool = [IPRange.parse('192.0.2.0-192.0.2.9')];
    const reserved = [IPRange.parse('192.0.2.5-192.0.2.5')];
    expect(subtractRanges(pool, reserved).map(String)).toEqual([
      '192.0.2.0-192.0.2.4',
      '192.0.2.6-192.0.2.9',
    ]);
  });
});
