import { IronLbError } from '@ironlb/wire';

/**
 * Stable codes of {@link NetaddrError}. Callers and tests match on these, never on the
 * message, which is written for people and may change.
 */
export const NetaddrErrorCode = {
  /** Not an address, prefix or range at all (bad characters, wrong number of groups...). */
  syntax: 'ERR_IRONLB_NETADDR_SYNTAX',
  /** An IPv4 octet or a prefix length written with a leading zero (`010`): octal to some parsers. */
  leadingZero: 'ERR_IRONLB_NETADDR_LEADING_ZERO',
  /** An IPv6 zone index (`fe80::1%eth0`): addresses here are not bound to an interface. */
  zone: 'ERR_IRONLB_NETADDR_ZONE',
  /** An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`): is it meant as IPv4 or IPv6? */
  ipv4Mapped: 'ERR_IRONLB_NETADDR_IPV4_MAPPED',
  /** A deprecated IPv4-compatible IPv6 spelling (`::192.0.2.1`, RFC 4291 section 2.5.5.1). */
  ipv4Compatible: 'ERR_IRONLB_NETADDR_IPV4_COMPATIBLE',
  /** Two values of different families combined (a range from IPv4 to IPv6...). */
  familyMismatch: 'ERR_IRONLB_NETADDR_FAMILY_MISMATCH',
  /** A prefix whose address has bits set after the prefix length (`192.0.2.1/24`). */
  hostBits: 'ERR_IRONLB_NETADDR_HOST_BITS',
  /** A prefix length outside 0-32 (IPv4) or 0-128 (IPv6), or not a decimal number. */
  prefixLength: 'ERR_IRONLB_NETADDR_PREFIX_LENGTH',
  /** A range whose first address is above its last. */
  rangeOrder: 'ERR_IRONLB_NETADDR_RANGE_ORDER',
  /** A byte array that is neither 4 nor 16 bytes long. */
  byteLength: 'ERR_IRONLB_NETADDR_BYTE_LENGTH',
  /** Arithmetic that leaves the address space (`255.255.255.255` + 1, a negative value...). */
  outOfRange: 'ERR_IRONLB_NETADDR_OUT_OF_RANGE',
} as const;
export type NetaddrErrorCode = (typeof NetaddrErrorCode)[keyof typeof NetaddrErrorCode];

/** Thrown for malformed or ambiguous address text and for out-of-range arithmetic. */
export class NetaddrError extends IronLbError {
  declare readonly code: NetaddrErrorCode;
  /** The text (or a description of the value) that was rejected. */
  readonly input: string;

  constructor(code: NetaddrErrorCode, input: string, message: string) {
    super(code, message);
    this.input = input;
  }
}

/** True when `error` is a {@link NetaddrError} (optionally with the given code). */
export function isNetaddrError(error: unknown, code?: NetaddrErrorCode): error is NetaddrError {
  return error instanceof NetaddrError && (code === undefined || error.code === code);
}

/** The outcome of a `tryParse`: a value, or the error `parse` would have thrown. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: NetaddrError };

/** Runs `parse` and turns a thrown {@link NetaddrError} into a result; other errors propagate. */
export function tryParseWith<T>(parse: () => T): ParseResult<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof NetaddrError) return { ok: false, error };
    throw error;
  }
}
