import type { Reader, Writer } from '@ironlb/wire';
import { Afi, UpdateMessageSubcode, NotificationCode } from '../constants.js';
import { BgpDecodeError } from '../errors.js';

/**
 * An IP prefix as BGP carries it: the family, the prefix length and only the significant
 * octets (`ceil(length / 8)` of them, bits beyond `length` zero). This is the codec's own
 * compact form; `@ironlb/netaddr` values are converted to it at the session API.
 */
export interface BgpPrefix {
  readonly family: 4 | 6;
  readonly length: number;
  readonly bytes: Uint8Array;
}

export type Family = 4 | 6;

export function familyOfAfi(afi: number): Family | undefined {
  return afi === Afi.IPv4 ? 4 : afi === Afi.IPv6 ? 6 : undefined;
}

export function afiOfFamily(family: Family): number {
  return family === 4 ? Afi.IPv4 : Afi.IPv6;
}

/** Prefix from a full address (4 or 16 bytes) and a length; masks the host bits. */
export function prefixFromAddress(address: Uint8Array, length: number): BgpPrefix {
  const family: Family = address.length === 4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  if (
    (address.length !== 4 && address.length !== 16) ||
    !Number.isInteger(length) ||
    length < 0 ||
    length > max
  ) {
    throw new RangeError(`invalid prefix: ${address.length}-byte address with length ${length}`);
  }
  const n = (length + 7) >> 3;
  const bytes = address.slice(0, n);
  if (length & 7) bytes[n - 1]! &= 0xff << (8 - (length & 7));
  return { family, length, bytes };
}

/** The full 4- or 16-byte network address of a prefix. */
export function prefixAddress(prefix: BgpPrefix): Uint8Array {
  const out = new Uint8Array(prefix.family === 4 ? 4 : 16);
  out.set(prefix.bytes);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A compact, readable map key for a prefix: family, length and the significant octets in hex
 * (`"4/32/c633640a"` is 198.51.100.10/32). Equal prefixes have equal keys, and the key alone is
 * enough to put the prefix on the wire (`writePrefixKey`), so tables hold keys, not objects.
 */
export function prefixKey(prefix: BgpPrefix): string {
  let hex = '';
  for (const b of prefix.bytes) hex += HEX[b];
  return `${prefix.family}/${prefix.length}/${hex}`;
}

/** The key of an IPv4 prefix given as a 32-bit value (host bits must be zero). */
export function ipv4PrefixKey(value: number, length: number): string {
  const n = (length + 7) >> 3;
  let hex = '';
  for (let i = 0; i < n; i++) hex += HEX[(value >>> (24 - 8 * i)) & 0xff];
  return `4/${length}/${hex}`;
}

/** The family of a prefix key. */
export function familyOfKey(key: string): Family {
  return key.charCodeAt(0) === 52 /* '4' */ ? 4 : 6;
}

/** Decodes a prefix key (inverse of `prefixKey`). */
export function prefixFromKey(key: string): BgpPrefix {
  const a = key.indexOf('/');
  const b = key.indexOf('/', a + 1);
  const hex = key.slice(b + 1);
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return { family: familyOfKey(key), length: Number(key.slice(a + 1, b)), bytes };
}

function hexValue(c: number): number {
  return c <= 57 ? c - 48 : c - 87;
}

/** Writes the NLRI encoding (length octet, then the octets) of a prefix key. */
export function writePrefixKey(w: Writer, key: string): void {
  const a = key.indexOf('/');
  const b = key.indexOf('/', a + 1);
  let length = 0;
  for (let i = a + 1; i < b; i++) length = length * 10 + key.charCodeAt(i) - 48;
  w.u8(length);
  for (let i = b + 1; i < key.length; i += 2)
    w.u8((hexValue(key.charCodeAt(i)) << 4) | hexValue(key.charCodeAt(i + 1)));
}

/**
 * Writes the NLRI encoding of a prefix key into `out` at `at` and returns the octets written,
 * or 0 (writing nothing) when it would pass `end`. The packer's inner loop: no allocation, no
 * per-octet method calls.
 */
export function writePrefixKeyInto(out: Uint8Array, at: number, end: number, key: string): number {
  const b = key.indexOf('/', 2);
  const octets = (key.length - b - 1) >> 1;
  if (at + 1 + octets > end) return 0;
  let length = 0;
  for (let i = 2; i < b; i++) length = length * 10 + key.charCodeAt(i) - 48;
  out[at] = length;
  for (let i = b + 1, o = at + 1; i < key.length; i += 2, o++) {
    out[o] = (hexValue(key.charCodeAt(i)) << 4) | hexValue(key.charCodeAt(i + 1));
  }
  return 1 + octets;
}

/** Wire size (length octet plus octets) of a prefix key's NLRI encoding. */
export function prefixKeyWireLength(key: string): number {
  return 1 + ((key.length - key.indexOf('/', 2) - 1) >> 1);
}

/** Wire size of one prefix in an NLRI field. */
export function prefixWireLength(prefix: BgpPrefix): number {
  return 1 + prefix.bytes.length;
}

/*
 * RFC 4271 §4.3 (NLRI and Withdrawn Routes), RFC 4760 §5 (MP NLRI):
 *
 *   +---------------------------+
 *   |   Length (1 octet)        |   prefix length in bits
 *   +---------------------------+
 *   |   Prefix (variable)       |   ceil(Length / 8) octets, trailing bits irrelevant
 *   +---------------------------+
 */
export function encodePrefix(prefix: BgpPrefix, writer: Writer): void {
  writer.u8(prefix.length);
  writer.bytes(prefix.bytes);
}

/**
 * Reads prefixes until the reader's bound. A length beyond the family's width or a prefix that
 * overruns the field is a syntax error: `subcode` says which NOTIFICATION (RFC 4271 §6.3
 * Invalid Network Field for the UPDATE fields; Optional Attribute Error inside MP attributes).
 */
export function decodePrefixes(
  reader: Reader,
  family: Family,
  subcode: number = UpdateMessageSubcode.InvalidNetworkField,
): BgpPrefix[] {
  const max = family === 4 ? 32 : 128;
  const out: BgpPrefix[] = [];
  while (!reader.atEnd) {
    const at = reader.offset;
    const length = reader.u8();
    if (length > max) {
      throw new BgpDecodeError(`prefix length ${length} exceeds ${max} at offset ${at}`, {
        code: NotificationCode.UpdateMessageError,
        subcode,
        offset: at,
      });
    }
    const n = (length + 7) >> 3;
    if (n > reader.remaining) {
      throw new BgpDecodeError(`prefix of length ${length} overruns its field at offset ${at}`, {
        code: NotificationCode.UpdateMessageError,
        subcode,
        offset: at,
      });
    }
    const bytes = reader.bytes(n).slice();
    if (length & 7) bytes[n - 1]! &= 0xff << (8 - (length & 7));
    out.push({ family, length, bytes });
  }
  return out;
}
