import { IPAddress } from './address.js';
import { NetaddrError, NetaddrErrorCode, tryParseWith, type ParseResult } from './errors.js';
import { familyBits, familyMax, familyName, type IPFamily } from './family.js';
import type { ParseAddressOptions } from './parse-address.js';

/**
 * A CIDR prefix (RFC 4632): a network address with every bit after `length` zero. Immutable.
 * `Prefix.parse('192.0.2.1/24')` is an error (host bits set); `Prefix.parseLoose` masks.
 */
export class Prefix {
  /** The first address of the prefix; its host bits are zero. */
  readonly network: IPAddress;
  /** Prefix length in bits: 0-32 or 0-128. */
  readonly length: number;

  private constructor(network: IPAddress, length: number) {
    this.network = network;
    this.length = length;
  }

  /** Strict CIDR parsing: host bits set, a missing or out-of-range length are errors. */
  static parse(text: string, options?: ParseAddressOptions): Prefix {
    const { address, length } = splitPrefixText(text, options);
    const masked = address.value & networkMask(address.family, length);
    if (masked !== address.value) {
      const network = IPAddress.fromBigInt(address.family, masked);
      throw new NetaddrError(
        NetaddrErrorCode.hostBits,
        text,
        `${JSON.stringify(text)} has host bits set after /${length}: write ${network.toString()}/${length} ` +
          `for the network, or ${address.toString()}/${address.bits} for the single address`,
      );
    }
    return new Prefix(address, length);
  }

  /** {@link Prefix.parse} returning a result instead of throwing. */
  static tryParse(text: string, options?: ParseAddressOptions): ParseResult<Prefix> {
    return tryParseWith(() => Prefix.parse(text, options));
  }

  /** CIDR parsing that clears host bits (`192.0.2.1/24` gives `192.0.2.0/24`). */
  static parseLoose(text: string, options?: ParseAddressOptions): Prefix {
    const { address, length } = splitPrefixText(text, options);
    return Prefix.containing(address, length);
  }

  /** The prefix of the given length that contains `address` (host bits cleared). */
  static containing(address: IPAddress, length: number): Prefix {
    checkLength(address.family, length, String(length));
    const masked = address.value & networkMask(address.family, length);
    return new Prefix(
      masked === address.value ? address : IPAddress.fromBigInt(address.family, masked),
      length,
    );
  }

  /** The single-address prefix (/32 or /128) of `address`. */
  static host(address: IPAddress): Prefix {
    return new Prefix(address, address.bits);
  }

  get family(): IPFamily {
    return this.network.family;
  }

  /** The first address (the network address). */
  get first(): IPAddress {
    return this.network;
  }

  /** The last address (all host bits set). */
  get last(): IPAddress {
    const hostBits = BigInt(this.network.bits - this.length);
    return IPAddress.fromBigInt(this.family, this.network.value | ((1n << hostBits) - 1n));
  }

  /** The netmask as an integer (`/24` is 0xffffff00). */
  get mask(): bigint {
    return networkMask(this.family, this.length);
  }

  /** Number of addresses: 2^(bits - length), exact for any length. */
  size(): bigint {
    return 1n << BigInt(this.network.bits - this.length);
  }

  /** True when the address, or every address of the prefix, lies inside this prefix. */
  contains(other: IPAddress | Prefix): boolean {
    if (other instanceof Prefix) {
      return other.family === this.family && other.length >= this.length && this.contains(other.network);
    }
    return other.family === this.family && (other.value & this.mask) === this.network.value;
  }

  /** True when the two prefixes share at least one address (one contains the other). */
  overlaps(other: Prefix): boolean {
    return this.contains(other) || other.contains(this);
  }

  equals(other: Prefix): boolean {
    return this.length === other.length && this.network.equals(other.network);
  }

  /** By network address (family first), then shorter prefixes first. */
  compare(other: Prefix): -1 | 0 | 1 {
    const byNetwork = this.network.compare(other.network);
    if (byNetwork !== 0) return byNetwork;
    return this.length < other.length ? -1 : this.length > other.length ? 1 : 0;
  }

  /** `network/length`, the network in canonical form. */
  toString(): string {
    return `${this.network.toString()}/${this.length}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** The mask with the top `length` bits of the family set. */
export function networkMask(family: IPFamily, length: number): bigint {
  const hostBits = BigInt(familyBits[family] - length);
  return familyMax[family] ^ ((1n << hostBits) - 1n);
}

function splitPrefixText(
  text: string,
  options?: ParseAddressOptions,
): { address: IPAddress; length: number } {
  if (typeof text !== 'string') {
    throw new NetaddrError(
      NetaddrErrorCode.syntax,
      String(text),
      `expected a CIDR prefix string, got ${typeof text}`,
    );
  }
  const slash = text.indexOf('/');
  if (slash < 0) {
    throw new NetaddrError(
      NetaddrErrorCode.syntax,
      text,
      `${JSON.stringify(text)} is not a CIDR prefix: the /length is missing`,
    );
  }
  if (text.indexOf('/', slash + 1) >= 0) {
    throw new NetaddrError(
      NetaddrErrorCode.syntax,
      text,
      `${JSON.stringify(text)} is not a CIDR prefix: more than one "/"`,
    );
  }
  const address = IPAddress.parse(text.slice(0, slash), options);
  const lengthText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(lengthText)) {
    throw new NetaddrError(
      NetaddrErrorCode.prefixLength,
      text,
      `${JSON.stringify(text)} is not a CIDR prefix: the length ${JSON.stringify(lengthText)} is not a decimal number ` +
        `0-${address.bits}`,
    );
  }
  if (lengthText.length > 1 && lengthText.startsWith('0')) {
    throw new NetaddrError(
      NetaddrErrorCode.leadingZero,
      text,
      `prefix length ${JSON.stringify(lengthText)} in ${JSON.stringify(text)} has a leading zero: write /${Number(lengthText)}`,
    );
  }
  const length = Number(lengthText);
  checkLength(address.family, length, text);
  return { address, length };
}

function checkLength(family: IPFamily, length: number, input: string): void {
  if (!Number.isInteger(length) || length < 0 || length > familyBits[family]) {
    throw new NetaddrError(
      NetaddrErrorCode.prefixLength,
      input,
      `prefix length ${length} is outside 0-${familyBits[family]} for ${familyName(family)}` +
        (input === String(length) ? '' : ` in ${JSON.stringify(input)}`),
    );
  }
}
