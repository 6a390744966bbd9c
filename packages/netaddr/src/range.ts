import { IPAddress } from './address.js';
import { NetaddrError, NetaddrErrorCode, tryParseWith, type ParseResult } from './errors.js';
import { familyName, type IPFamily } from './family.js';
import type { ParseAddressOptions } from './parse-address.js';
import { Prefix } from './prefix.js';

/**
 * An inclusive range of addresses of one family, `first` to `last`, `first <= last`. Text form
 * `192.0.2.10-192.0.2.20` (spaces around the dash are accepted when parsing). Immutable.
 */
export class IPRange {
  readonly first: IPAddress;
  readonly last: IPAddress;

  private constructor(first: IPAddress, last: IPAddress) {
    this.first = first;
    this.last = last;
  }

  /** The range from `first` to `last`; both of one family, `first <= last`. */
  static from(first: IPAddress, last: IPAddress): IPRange {
    if (first.family !== last.family) {
      throw new NetaddrError(
        NetaddrErrorCode.familyMismatch,
        `${first.toString()}-${last.toString()}`,
        `range ${first.toString()}-${last.toString()} mixes ${familyName(first.family)} and ${familyName(last.family)}`,
      );
    }
    if (first.value > last.value) {
      throw new NetaddrError(
        NetaddrErrorCode.rangeOrder,
        `${first.toString()}-${last.toString()}`,
        `range ${first.toString()}-${last.toString()} is backwards: its first address is above its last; ` +
          `write ${last.toString()}-${first.toString()}`,
      );
    }
    return new IPRange(first, last);
  }

  /** Parses `a-b` (both ends required, same family, `a <= b`). */
  static parse(text: string, options?: ParseAddressOptions): IPRange {
    if (typeof text !== 'string') {
      throw new NetaddrError(
        NetaddrErrorCode.syntax,
        String(text),
        `expected an address range string, got ${typeof text}`,
      );
    }
    const parts = text.split('-');
    if (parts.length !== 2) {
      throw new NetaddrError(
        NetaddrErrorCode.syntax,
        text,
        `${JSON.stringify(text)} is not an address range: expected "first-last" with exactly one "-"`,
      );
    }
    const [firstText, lastText] = parts.map((part) => part.trim()) as [string, string];
    if (firstText === '' || lastText === '') {
      throw new NetaddrError(
        NetaddrErrorCode.syntax,
        text,
        `${JSON.stringify(text)} is not an address range: the ${firstText === '' ? 'first' : 'last'} address is missing`,
      );
    }
    return IPRange.from(IPAddress.parse(firstText, options), IPAddress.parse(lastText, options));
  }

  /** {@link IPRange.parse} returning a result instead of throwing. */
  static tryParse(text: string, options?: ParseAddressOptions): ParseResult<IPRange> {
    return tryParseWith(() => IPRange.parse(text, options));
  }

  /** The addresses of a prefix as a range. */
  static fromPrefix(prefix: Prefix): IPRange {
    return new IPRange(prefix.first, prefix.last);
  }

  /** The range holding exactly one address. */
  static single(address: IPAddress): IPRange {
    return new IPRange(address, address);
  }

  get family(): IPFamily {
    return this.first.family;
  }

  /** Number of addresses, exact (bigint). */
  size(): bigint {
    return this.last.value - this.first.value + 1n;
  }

  /** True when the address, or every address of the range or prefix, lies inside this range. */
  contains(other: IPAddress | IPRange | Prefix): boolean {
    if (other instanceof IPAddress) {
      return (
        other.family === this.family && other.value >= this.first.value && other.value <= this.last.value
      );
    }
    return this.contains(other.first) && this.contains(other.last);
  }

  /** True when the two share at least one address. */
  overlaps(other: IPRange | Prefix): boolean {
    return (
      other.family === this.family &&
      other.first.value <= this.last.value &&
      this.first.value <= other.last.value
    );
  }

  /** Every address from first to last, lazily. Mind the size before spreading a large range. */
  *[Symbol.iterator](): IterableIterator<IPAddress> {
    for (let value = this.first.value; value <= this.last.value; value++) {
      yield IPAddress.fromBigInt(this.family, value);
    }
  }

  /** The smallest list of CIDR prefixes covering exactly this range, in address order. */
  toPrefixes(): Prefix[] {
    const bits = BigInt(this.first.bits);
    const prefixes: Prefix[] = [];
    let start = this.first.value;
    const end = this.last.value;
    for (;;) {
      const alignment = start === 0n ? bits : trailingZeros(start);
      const fit = bitLength(end - start + 1n) - 1n;
      const hostBits = alignment < fit ? alignment : fit;
      prefixes.push(Prefix.containing(IPAddress.fromBigInt(this.family, start), Number(bits - hostBits)));
      const next = start + (1n << hostBits);
      if (next > end) return prefixes;
      start = next;
    }
  }

  /** The prefix with exactly these addresses, or `undefined` when the range is not one prefix. */
  toPrefix(): Prefix | undefined {
    const prefixes = this.toPrefixes();
    return prefixes.length === 1 ? prefixes[0] : undefined;
  }

  equals(other: IPRange): boolean {
    return this.first.equals(other.first) && this.last.equals(other.last);
  }

  /** By first address (family first), then by last address. */
  compare(other: IPRange): -1 | 0 | 1 {
    return this.first.compare(other.first) || this.last.compare(other.last);
  }

  /** `first-last` in canonical form (also for a single address). */
  toString(): string {
    return `${this.first.toString()}-${this.last.toString()}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

function trailingZeros(value: bigint): bigint {
  let count = 0n;
  while ((value & 1n) === 0n) {
    value >>= 1n;
    count++;
  }
  return count;
}

function bitLength(value: bigint): bigint {
  return BigInt(value.toString(2).length);
}
