// Operations on lists of ranges, as pools need them: normalise (sort and coalesce), subtract
// (reserved addresses out of a pool) and find overlaps (two pools claiming one address).
import { IPAddress } from './address.js';
import { IPRange } from './range.js';

/**
 * Sorts the ranges (IPv4 first) and coalesces those that overlap or touch, so the result is
 * the same set of addresses as the fewest disjoint, non-adjacent ranges. Does not modify the input.
 */
export function mergeRanges(ranges: readonly IPRange[]): IPRange[] {
  const sorted = [...ranges].sort((a, b) => a.compare(b));
  const merged: IPRange[] = [];
  for (const range of sorted) {
    const previous = merged[merged.length - 1];
    if (previous && previous.family === range.family && range.first.value <= previous.last.value + 1n) {
      if (range.last.value > previous.last.value)
        merged[merged.length - 1] = IPRange.from(previous.first, range.last);
    } else {
      merged.push(range);
    }
  }
  return merged;
}

/** The addresses of `ranges` that are not in `remove`, as merged ranges. */
export function subtractRanges(ranges: readonly IPRange[], remove: readonly IPRange[]): IPRange[] {
  const holes = mergeRanges(remove);
  const result: IPRange[] = [];
  for (const range of mergeRanges(ranges)) {
    let start = range.first.value;
    const end = range.last.value;
    for (const hole of holes) {
      if (hole.family !== range.family || hole.last.value < start || hole.first.value > end) continue;
      if (hole.first.value > start) result.push(rangeOf(range, start, hole.first.value - 1n));
      start = hole.last.value + 1n;
      if (start > end) break;
    }
    if (start <= end) result.push(rangeOf(range, start, end));
  }
  return result;
}

/** The first pair (in sorted order) of ranges that share an address, or `undefined`. */
export function findOverlap(ranges: readonly IPRange[]): [IPRange, IPRange] | undefined {
  const sorted = [...ranges].sort((a, b) => a.compare(b));
  let widest: IPRange | undefined;
  for (const range of sorted) {
    if (widest && widest.overlaps(range)) return [widest, range];
    if (!widest || widest.family !== range.family || range.last.value > widest.last.value) widest = range;
  }
  return undefined;
}

function rangeOf(like: IPRange, first: bigint, last: bigint): IPRange {
  return IPRange.from(IPAddress.fromBigInt(like.family, first), IPAddress.fromBigInt(like.family, last));
}
