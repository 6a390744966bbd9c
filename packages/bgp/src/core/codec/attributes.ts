import { DecodeError, Reader, Writer } from '@ironlb/wire';
import { AttributeFlag, AttributeType, NotificationCode, UpdateMessageSubcode } from '../constants.js';
import { BgpDecodeError, ErrorHandling } from '../errors.js';
import { decodeAsPath, encodeAsPath } from './attr-as-path.js';
import { decodeMpReach, decodeMpUnreach, encodeMpReach, encodeMpUnreach } from './attr-mp-nlri.js';
import type { AttributeContext, AttributeOf, PathAttribute, PathAttributeType } from './attribute-types.js';

/*
 * RFC 4271 §4.3 Path Attribute encoding:
 *
 *    0                   1
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 *   +---------------+---------------+
 *   |  Attr. Flags  |Attr. Type Code|
 *   +---------------+---------------+
 *   | Attr. Length (1, or 2 when Extended Length is set) |
 *   +----------------------------------------------------+
 *   | Attr. Value (variable)                             |
 *   +----------------------------------------------------+
 *
 *   Flags: O (0x80) optional, T (0x40) transitive, P (0x20) partial, E (0x10) extended length.
 *
 * The table below is the one place that knows, per attribute: its code, canonical flags,
 * value codec and what a malformed value calls for under RFC 7606 §7.
 */

const O = AttributeFlag.Optional;
const T = AttributeFlag.Transitive;
const E = AttributeFlag.ExtendedLength;

type Spec<K extends Exclude<PathAttributeType, 'UNKNOWN'>> = {
  readonly code: number;
  /** Canonical flags (O/T, plus E for attributes we always write with a 2-octet length). */
  readonly flags: number;
  /** RFC 7606 §7 handling of a malformed value or wrong O/T flags. */
  readonly handling: ErrorHandling;
  /** Subcode for a value of the wrong size. */
  readonly lengthSubcode: number;
  decode(r: Reader, ctx: AttributeContext): Omit<AttributeOf<K>, 'flags'>;
  encode(a: AttributeOf<K>, w: Writer, ctx: AttributeContext): void;
};

const TW = ErrorHandling.treatAsWithdraw;
const DISCARD = ErrorHandling.attributeDiscard;
const RESET = ErrorHandling.sessionReset;
const LEN = UpdateMessageSubcode.AttributeLengthError;

function exact(r: Reader, n: number, what: string): void {
  if (r.remaining !== n) throw r.malformed(`${what} must be ${n} octets, got ${r.remaining}`);
}

function multipleOf(r: Reader, n: number, what: string): void {
  if (r.remaining === 0 || r.remaining % n !== 0) {
    throw r.malformed(`${what} length ${r.remaining} is not a non-zero multiple of ${n}`);
  }
}

export const attributeSpecs: { readonly [K in Exclude<PathAttributeType, 'UNKNOWN'>]: Spec<K> } = {
  // RFC 4271 §5.1.1, RFC 7606 §7.1.
  ORIGIN: {
    code: AttributeType.ORIGIN,
    flags: T,
    handling: TW,
    lengthSubcode: LEN,
    decode(r) {
      exact(r, 1, 'ORIGIN');
      const origin = r.u8();
      if (origin > 2) {
        throw new BgpDecodeError(`ORIGIN value ${origin}`, {
          code: NotificationCode.UpdateMessageError,
          subcode: UpdateMessageSubcode.InvalidOriginAttribute,
          offset: r.offset - 1,
        });
      }
      return { type: 'ORIGIN', origin };
    },
    encode: (a, w) => void w.u8(a.origin),
  },
  // RFC 4271 §5.1.2, RFC 6793 §4, RFC 7606 §7.2.
  AS_PATH: {
    code: AttributeType.AS_PATH,
    flags: T,
    handling: TW,
    lengthSubcode: UpdateMessageSubcode.MalformedAsPath,
    decode: (r, ctx) => ({ type: 'AS_PATH', segments: decodeAsPath(r, ctx.fourOctetAs ? 4 : 2) }),
    encode: (a, w, ctx) => encodeAsPath(a.segments, w, ctx.fourOctetAs ? 4 : 2),
  },
  // RFC 4271 §5.1.3, RFC 7606 §7.3.
  NEXT_HOP: {
    code: AttributeType.NEXT_HOP,
    flags: T,
    handling: TW,
    lengthSubcode: LEN,
    decode(r) {
      exact(r, 4, 'NEXT_HOP');
      return { type: 'NEXT_HOP', nextHop: r.bytes(4).slice() };
    },
    encode: (a, w) => void w.bytes(a.nextHop),
  },
  // RFC 4271 §5.1.4, RFC 7606 §7.4.
  MULTI_EXIT_DISC: {
    code: AttributeType.MULTI_EXIT_DISC,
    flags: O,
    handling: TW,
    lengthSubcode: LEN,
    decode(r) {
      exact(r, 4, 'MULTI_EXIT_DISC');
      return { type: 'MULTI_EXIT_DISC', med: r.u32() };
    },
    encode: (a, w) => void w.u32(a.med),
  },
  // RFC 4271 §5.1.5, RFC 7606 §7.5.
  LOCAL_PREF: {
    code: AttributeType.LOCAL_PREF,
    flags: T,
    handling: TW,
    lengthSubcode: LEN,
    decode(r) {
      exact(r, 4, 'LOCAL_PREF');
      return { type: 'LOCAL_PREF', localPref: r.u32() };
    },
    encode: (a, w) => void w.u32(a.localPref),
  },
  // RFC 4271 §5.1.6, RFC 7606 §7.6.
  ATOMIC_AGGREGATE: {
    code: AttributeType.ATOMIC_AGGREGATE,
    flags: T,
    handling: DISCARD,
    lengthSubcode: LEN,
    decode(r) {
      exact(r, 0, 'ATOMIC_AGGREGATE');
      return { type: 'ATOMIC_AGGREGATE' };
    },
    encode: () => undefined,
  },
  // RFC 4271 §5.1.7, RFC 6793 §3, RFC 7606 §7.7.
  AGGREGATOR: {
    code: AttributeType.AGGREGATOR,
    flags: O | T,
    handling: DISCARD,
    lengthSubcode: LEN,
    decode(r, ctx) {
      exact(r, ctx.fourOctetAs ? 8 : 6, 'AGGREGATOR');
      const asn = ctx.fourOctetAs ? r.u32() : r.u16();
      return { type: 'AGGREGATOR', asn, address: r.bytes(4).slice() };
    },
    encode(a, w, ctx) {
      if (ctx.fourOctetAs) w.u32(a.asn);
      else w.u16(a.asn);
      w.bytes(a.address);
    },
  },
  // RFC 1997, RFC 7606 §7.8.
  COMMUNITIES: {
    code: AttributeType.COMMUNITIES,
    flags: O | T,
    handling: TW,
    lengthSubcode: LEN,
    decode(r) {
      multipleOf(r, 4, 'COMMUNITIES');
      const communities: number[] = [];
      while (!r.atEnd) communities.push(r.u32());
      return { type: 'COMMUNITIES', communities };
    },
    encode: (a, w) => a.communities.forEach((c) => w.u32(c)),
  },
  // RFC 4456 §8, RFC 7606 §7.9.
  ORIGINATOR_ID: {
    code: AttributeType.ORIGINATOR_ID,
    flags: O,
    handling: TW,
    lengthSubcode: LEN,
    decode(r) {
      exact(r, 4, 'ORIGINATOR_ID');
      return { type: 'ORIGINATOR_ID', originatorId: r.u32() };
    },
    encode: (a, w) => void w.u32(a.originatorId),
  },
  // RFC 4456 §8, RFC 7606 §7.10.
  CLUSTER_LIST: {
    code: AttributeType.CLUSTER_LIST,
    flags: O,
    handling: TW,
    lengthSubcode: LEN,
    decode(r) {
      multipleOf(r, 4, 'CLUSTER_LIST');
      const clusterIds: number[] = [];
      while (!r.atEnd) clusterIds.push(r.u32());
      return { type: 'CLUSTER_LIST', clusterIds };
    },
    encode: (a, w) => a.clusterIds.forEach((c) => w.u32(c)),
  },
  // RFC 4760 §3, RFC 7606 §7.11 (always written with a 2-octet length).
  MP_REACH_NLRI: {
    code: AttributeType.MP_REACH_NLRI,
    flags: O | E,
    handling: RESET,
    lengthSubcode: UpdateMessageSubcode.OptionalAttributeError,
    decode: (r) => decodeMpReach(r),
    encode: (a, w) => encodeMpReach(a, w),
  },
  // RFC 4760 §4, RFC 7606 §7.11.
  MP_UNREACH_NLRI: {
    code: AttributeType.MP_UNREACH_NLRI,
    flags: O | E,
    handling: RESET,
    lengthSubcode: UpdateMessageSubcode.OptionalAttributeError,
    decode: (r) => decodeMpUnreach(r),
    encode: (a, w) => encodeMpUnreach(a, w),
  },
  // RFC 4360, RFC 7606 §7.14.
  EXTENDED_COMMUNITIES: {
    code: AttributeType.EXTENDED_COMMUNITIES,
    flags: O | T,
    handling: TW,
    lengthSubcode: LEN,
    decode(r) {
      multipleOf(r, 8, 'EXTENDED_COMMUNITIES');
      const communities: bigint[] = [];
      while (!r.atEnd) communities.push(r.u64());
      return { type: 'EXTENDED_COMMUNITIES', communities };
    },
    encode: (a, w) => a.communities.forEach((c) => w.u64(c)),
  },
  // RFC 6793 §3, §6: a malformed AS4_PATH is discarded.
  AS4_PATH: {
    code: AttributeType.AS4_PATH,
    flags: O | T,
    handling: DISCARD,
    lengthSubcode: UpdateMessageSubcode.MalformedAsPath,
    decode: (r) => ({ type: 'AS4_PATH', segments: decodeAsPath(r, 4) }),
    encode: (a, w) => encodeAsPath(a.segments, w, 4),
  },
  // RFC 6793 §3, §6.
  AS4_AGGREGATOR: {
    code: AttributeType.AS4_AGGREGATOR,
    flags: O | T,
    handling: DISCARD,
    lengthSubcode: LEN,
    decode(r) {
      exact(r, 8, 'AS4_AGGREGATOR');
      return { type: 'AS4_AGGREGATOR', asn: r.u32(), address: r.bytes(4).slice() };
    },
    encode: (a, w) => void w.u32(a.asn).bytes(a.address),
  },
  // RFC 8092 §3, §6.
  LARGE_COMMUNITY: {
    code: AttributeType.LARGE_COMMUNITY,
    flags: O | T,
    handling: TW,
    lengthSubcode: LEN,
    decode(r) {
      multipleOf(r, 12, 'LARGE_COMMUNITY');
      const communities = [];
      while (!r.atEnd)
        communities.push({ globalAdministrator: r.u32(), localData1: r.u32(), localData2: r.u32() });
      return { type: 'LARGE_COMMUNITY', communities };
    },
    encode: (a, w) =>
      a.communities.forEach((c) => w.u32(c.globalAdministrator).u32(c.localData1).u32(c.localData2)),
  },
};

type AnySpec = Spec<Exclude<PathAttributeType, 'UNKNOWN'>>;
const specByCode = new Map<number, AnySpec>(Object.values(attributeSpecs).map((s) => [s.code, s as AnySpec]));

export function attributeSpec(code: number): AnySpec | undefined {
  return specByCode.get(code);
}

/** The type code of an attribute value. */
export function attributeCode(a: PathAttribute): number {
  return a.type === 'UNKNOWN' ? a.code : attributeSpecs[a.type].code;
}

/** Appends one attribute (flags, type, length, value) to the writer. */
export function encodeAttribute(a: PathAttribute, w: Writer, ctx: AttributeContext): void {
  const value = new Writer(64);
  let flags: number;
  let code: number;
  if (a.type === 'UNKNOWN') {
    value.bytes(a.value);
    flags = a.flags;
    code = a.code;
  } else {
    const spec = attributeSpecs[a.type] as AnySpec;
    spec.encode(a as never, value, ctx);
    flags = a.flags ?? spec.flags;
    code = spec.code;
  }
  const bytes = value.finish();
  if (bytes.length > 255) flags |= E;
  if (bytes.length > 0xffff)
    throw new RangeError(`attribute ${code} value of ${bytes.length} octets is too long`);
  w.u8(flags).u8(code);
  if (flags & E) w.u16(bytes.length);
  else w.u8(bytes.length);
  w.bytes(bytes);
}

export interface DecodedAttributes {
  readonly attributes: PathAttribute[];
  /** Errors that did not reset the session: treat-as-withdraw and attribute-discard. */
  readonly errors: BgpDecodeError[];
}

function updateError(
  message: string,
  o: { subcode: number; handling: ErrorHandling; offset: number; data?: Uint8Array; cause?: unknown },
): BgpDecodeError {
  return new BgpDecodeError(message, { code: NotificationCode.UpdateMessageError, ...o });
}

/**
 * Decodes the Path Attributes field (the reader is bounded to Total Path Attribute Length).
 * Session-reset errors are thrown; the others are collected in `errors` and the offending
 * attribute is left out (RFC 7606 §3, §4). NOTIFICATION data is the whole erroneous
 * attribute (RFC 4271 §6.3).
 */
export function decodeAttributes(r: Reader, ctx: AttributeContext): DecodedAttributes {
  const attributes: PathAttribute[] = [];
  const errors: BgpDecodeError[] = [];
  const seen = new Set<number>();
  while (!r.atEnd) {
    const at = r.offset;
    // RFC 7606 §4: too few octets for an attribute header, or a length that overruns the
    // field. The NLRI field is still found through Total Path Attribute Length, so the
    // UPDATE is treated as withdraw.
    const flags = r.u8();
    const headerLeft = flags & E ? 3 : 2;
    if (r.remaining < headerLeft) {
      errors.push(
        updateError(`attribute header truncated at offset ${at}`, {
          subcode: UpdateMessageSubcode.MalformedAttributeList,
          handling: TW,
          offset: at,
        }),
      );
      break;
    }
    const code = r.u8();
    const length = flags & E ? r.u16() : r.u8();
    const header = flags & E ? [flags, code, length >> 8, length & 0xff] : [flags, code, length];
    if (length > r.remaining) {
      errors.push(
        updateError(`attribute ${code} length ${length} overruns the attributes at offset ${at}`, {
          subcode: UpdateMessageSubcode.AttributeLengthError,
          handling: TW,
          offset: at,
          data: withHeader(header, r.rest()),
        }),
      );
      break;
    }
    const valueStart = r.offset;
    const valueBytes = r.bytes(length);
    // Offsets of errors inside the value are relative to it; they are shifted back below.
    const v = new Reader(valueBytes);
    const raw = () => withHeader(header, valueBytes);
    const spec = specByCode.get(code);
    if (!spec) {
      if (!(flags & O)) {
        throw updateError(`unrecognized well-known attribute ${code}`, {
          subcode: UpdateMessageSubcode.UnrecognizedWellKnownAttribute,
          handling: RESET,
          offset: at,
          data: raw(),
        });
      }
      attributes.push({ type: 'UNKNOWN', code, flags, value: valueBytes.slice() });
      continue;
    }
    if (seen.has(code)) {
      // RFC 7606 §3 (g): MP_REACH/MP_UNREACH twice is Malformed Attribute List; any other
      // repeated attribute is dropped, the first one kept.
      const mp = code === AttributeType.MP_REACH_NLRI || code === AttributeType.MP_UNREACH_NLRI;
      const err = updateError(`attribute ${code} appears more than once`, {
        subcode: UpdateMessageSubcode.MalformedAttributeList,
        handling: mp ? RESET : DISCARD,
        offset: at,
      });
      if (mp) throw err;
      errors.push(err);
      continue;
    }
    seen.add(code);
    if ((flags & (O | T)) !== (spec.flags & (O | T))) {
      // RFC 7606 §3 (c): conflicting Optional/Transitive bits.
      const err = updateError(`attribute ${code} has flags 0x${flags.toString(16)}`, {
        subcode: UpdateMessageSubcode.AttributeFlagsError,
        handling: spec.handling,
        offset: at,
        data: raw(),
      });
      if (spec.handling === RESET) throw err;
      errors.push(err);
      continue;
    }
    let value: PathAttribute;
    try {
      value = spec.decode(v, ctx) as PathAttribute;
      if (!v.atEnd) throw v.malformed(`${v.remaining} octets left in attribute ${code}`);
    } catch (cause) {
      if (!(cause instanceof DecodeError)) throw cause;
      const err = updateError(`attribute ${code}: ${cause.message}`, {
        subcode: cause instanceof BgpDecodeError ? cause.notification.subcode : spec.lengthSubcode,
        handling: spec.handling,
        offset: valueStart + cause.offset,
        data: raw(),
        cause,
      });
      if (spec.handling === RESET) throw err;
      errors.push(err);
      continue;
    }
    const canonical = spec.flags | (length > 255 ? E : 0);
    attributes.push(flags === canonical ? value : { ...value, flags });
  }
  return { attributes, errors };
}

function withHeader(header: number[], value: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.length + value.length);
  out.set(header);
  out.set(value, header.length);
  return out;
}
