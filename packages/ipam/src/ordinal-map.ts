// Numbers the usable addresses of one pool and one family 0..size-1 in address order, so the
// allocator can work on dense ordinals. "Usable" means: in the pool's ranges, not reserved, and,
// with avoidBuggyIPs, not an IPv4 address ending in .0 or .255. Reserved ranges are cut out when
// the map is built; .0/.255 are skipped arithmetically, so a huge pool costs one entry per
// range, never one per address.
import { IPAddress, type IPFamily, type IPRange } from '@ironlb/netaddr';

interface Segment {
  /** First and last address value of the segment (after removing reserved addresses). */
  readonly first: bigint;
  readonly last: bigint;
  /** Ordinal of the segment's first usable address. */
  readonly start: bigint;
  /** Number of usable addresses in the segment (> 0). */
  readonly count: bigint;
}

/** Usable addresses (last octet 1-254) among the values 0..n; `usableUpTo(-1)` is 0. */
function usableUpTo(n: bigint): bigint {
  if (n < 0n) return 0n;
  const zeros = n / 256n + 1n;
  const broadcasts = n >= 255n ? (n - 255n) / 256n + 1n : 0n;
  return n + 1n - zeros - broadcasts;
}

/** The value of the usable address of 0-based rank `rank` (last octet 1-254). */
function usableAt(rank: bigint): bigint {
  return (rank / 254n) * 256n + 1n + (rank % 254n);
}

function isBuggy(value: bigint): boolean {
  const last = value & 0xffn;
  return last === 0n || last === 0xffn;
}

export class OrdinalMap {
  readonly family: IPFamily;
  readonly avoidBuggy: boolean;
  /** Number of usable addresses (exact, may be 2^64 and more). */
  readonly size: bigint;
  readonly #segments: readonly Segment[];

  /** `ranges` must be merged (sorted, disjoint) ranges of `family` with reserved addresses removed. */
  constructor(family: IPFamily, ranges: readonly IPRange[], avoidBuggyIPs: boolean) {
    this.family = family;
    this.avoidBuggy = avoidBuggyIPs && family === 4;
    const segments: Segment[] = [];
    let start = 0n;
    for (const range of ranges) {
      const first = range.first.value;
      const last = range.last.value;
      const count = this.avoidBuggy ? usableUpTo(last) - usableUpTo(first - 1n) : last - first + 1n;
      if (count === 0n) continue;
      segments.push({ first, last, start, count });
      start += count;
    }
    this.#segments = segments;
    this.size = start;
  }

  /** A key that is equal for two maps numbering the same addresses the same way. */
  get signature(): string {
    return `${this.family}/${this.avoidBuggy}/${this.#segments.map((s) => `${s.first}-${s.last}`).join(',')}`;
  }

  /** The address with the given ordinal (0 <= ordinal < size). */
  addressOf(ordinal: bigint): IPAddress {
    const segments = this.#segments;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]!.start <= ordinal) lo = mid;
      else hi = mid - 1;
    }
    const segment = segments[lo];
    if (!segment || ordinal < 0n || ordinal >= this.size)
      throw new RangeError(`ordinal ${ordinal} out of range`);
    const offset = ordinal - segment.start;
    const value = this.avoidBuggy
      ? usableAt(usableUpTo(segment.first - 1n) + offset)
      : segment.first + offset;
    return IPAddress.fromBigInt(this.family, value);
  }

  /** The ordinal of `value`, or `undefined` when the address is not usable in this pool. */
  ordinalOf(value: bigint): bigint | undefined {
    const segments = this.#segments;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]!.first <= value) lo = mid;
      else hi = mid - 1;
    }
    const segment = segments[lo];
    if (!segment || value < segment.first || value > segment.last) return undefined;
    if (!this.avoidBuggy) return segment.start + (value - segment.first);
    if (isBuggy(value)) return undefined;
    return segment.start + usableUpTo(value) - usableUpTo(segment.first - 1n) - 1n;
  }
}
