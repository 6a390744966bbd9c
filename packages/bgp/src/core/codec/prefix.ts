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

/** A compact map key (`"4/32/c6336410"`), stable for equal prefixes. */
export function prefixKey(prefix: BgpPrefix): string {
  let hex = '';
  for (const b of prefix.bytes) hex += (b < 16 ? '0' : '') + b.toString(16);
  return `${prefix.family}/${prefix.length}/${hex}`;
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
