import { NetaddrError, NetaddrErrorCode, tryParseWith, type ParseResult } from './errors.js';
import { familyBits, familyBytes, familyMax, familyName, type IPFamily } from './family.js';
import { formatDottedQuad, formatIPv6, parseAddressText, type ParseAddressOptions } from './parse-address.js';

/**
 * One IPv4 or IPv6 address: an immutable value, a family and an unsigned integer (bigint).
 * Create it with {@link IPAddress.parse}, {@link IPAddress.fromBytes} or
 * {@link IPAddress.fromBigInt}; compare with {@link IPAddress.equals}, never with `===`.
 */
export class IPAddress {
  readonly family: IPFamily;
  /** The address as an unsigned integer: 0 to 2^32-1 (IPv4) or 2^128-1 (IPv6). */
  readonly value: bigint;
  #text: string | undefined;

  private constructor(family: IPFamily, value: bigint) {
    this.family = family;
    this.value = value;
  }

  /**
   * Parses dotted decimal IPv4 or RFC 4291 IPv6 text. Rejects, each with its own
   * {@link NetaddrErrorCode}: leading zeros in IPv4 octets, zones (`%eth0`), IPv4-mapped
   * and IPv4-compatible IPv6, prefix lengths, whitespace and anything malformed.
   */
  static parse(text: string, options?: ParseAddressOptions): IPAddress {
    const parsed = parseAddressText(text, options);
    return new IPAddress(parsed.family, parsed.value);
  }

  /** {@link IPAddress.parse} returning a result instead of throwing. */
  static tryParse(text: string, options?: ParseAddressOptions): ParseResult<IPAddress> {
    return tryParseWith(() => IPAddress.parse(text, options));
  }

  /** An address from its integer value; throws `outOfRange` outside the family's space. */
  static fromBigInt(family: IPFamily, value: bigint): IPAddress {
    if (value < 0n || value > familyMax[family]) {
      throw new NetaddrError(
        NetaddrErrorCode.outOfRange,
        String(value),
        `${value} is outside the ${familyName(family)} address space (0 to ${familyMax[family]})`,
      );
    }
    return new IPAddress(family, value);
  }

  /** An address from 4 (IPv4) or 16 (IPv6) network-order bytes. */
  static fromBytes(bytes: Uint8Array): IPAddress {
    if (bytes.length !== 4 && bytes.length !== 16) {
      throw new NetaddrError(
        NetaddrErrorCode.byteLength,
        `${bytes.length} bytes`,
        `an IP address is 4 (IPv4) or 16 (IPv6) bytes, got ${bytes.length}`,
      );
    }
    let value = 0n;
    for (const byte of bytes) value = (value << 8n) | BigInt(byte);
    return new IPAddress(bytes.length === 4 ? 4 : 6, value);
  }

  /** Width of the address in bits: 32 or 128. */
  get bits(): 32 | 128 {
    return familyBits[this.family];
  }

  /** The address in network byte order (4 or 16 bytes, a fresh array each call). */
  toBytes(): Uint8Array {
    const length = familyBytes[this.family];
    const bytes = new Uint8Array(length);
    let value = this.value;
    for (let i = length - 1; i >= 0; i--) {
      bytes[i] = Number(value & 0xffn);
      value >>= 8n;
    }
    return bytes;
  }

  /** Canonical text: dotted decimal for IPv4, RFC 5952 for IPv6. */
  toString(): string {
    this.#text ??= this.family === 4 ? formatDottedQuad(this.value) : formatIPv6(this.value);
    return this.#text;
  }

  /** The canonical text, so that JSON and structured logs show the address. */
  toJSON(): string {
    return this.toString();
  }

  equals(other: IPAddress): boolean {
    return this.family === other.family && this.value === other.value;
  }

  /** Total order: every IPv4 address before every IPv6 address, then by value. */
  compare(other: IPAddress): -1 | 0 | 1 {
    if (this.family !== other.family) return this.family < other.family ? -1 : 1;
    return this.value < other.value ? -1 : this.value > other.value ? 1 : 0;
  }

  /** The address `n` further on (or back, for negative `n`); throws `outOfRange` past either end. */
  add(n: bigint): IPAddress {
    return IPAddress.fromBigInt(this.family, this.value + n);
  }

  /** The next address, or `undefined` after the last one of the family. */
  next(): IPAddress | undefined {
    return this.value === familyMax[this.family] ? undefined : new IPAddress(this.family, this.value + 1n);
  }

  /** The previous address, or `undefined` before the first one. */
  previous(): IPAddress | undefined {
    return this.value === 0n ? undefined : new IPAddress(this.family, this.value - 1n);
  }

  /** 169.254.0.0/16 (RFC 3927) or fe80::/10 (RFC 4291 section 2.5.6). */
  isLinkLocal(): boolean {
    return this.family === 4 ? this.value >> 16n === 0xa9fen : this.value >> 118n === 0x3fan;
  }

  /** 127.0.0.0/8 (RFC 1122) or ::1 (RFC 4291 section 2.5.3). */
  isLoopback(): boolean {
    return this.family === 4 ? this.value >> 24n === 127n : this.value === 1n;
  }

  /** 224.0.0.0/4 (RFC 5771) or ff00::/8 (RFC 4291 section 2.7). */
  isMulticast(): boolean {
    return this.family === 4 ? this.value >> 28n === 0xen : this.value >> 120n === 0xffn;
  }

  /** 0.0.0.0 or :: . */
  isUnspecified(): boolean {
    return this.value === 0n;
  }

  /** ::ffff:0:0/96 (RFC 4291 section 2.5.5.2). */
  isIPv4Mapped(): boolean {
    return this.family === 6 && this.value >> 32n === 0xffffn;
  }

  /** The IPv4 address inside an IPv4-mapped IPv6 address, else `undefined`. */
  unmapIPv4(): IPAddress | undefined {
    return this.isIPv4Mapped() ? new IPAddress(4, this.value & 0xffffffffn) : undefined;
  }

  /** True for IPv4 addresses whose last octet is 0 or 255, which some old firmware mishandles. */
  isBuggyIPv4(): boolean {
    const last = this.value & 0xffn;
    return this.family === 4 && (last === 0n || last === 0xffn);
  }
}
