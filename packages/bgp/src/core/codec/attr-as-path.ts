import type { Reader, Writer } from '@ironlb/wire';
import { AsPathSegmentType, NotificationCode, UpdateMessageSubcode } from '../constants.js';
import { BgpDecodeError, BgpError, BgpErrorCode } from '../errors.js';
import type { AsPathSegment } from './attribute-types.js';

/*
 * RFC 4271 §4.3 AS_PATH (type 2), RFC 6793 §3 AS4_PATH (type 17): a sequence of segments
 *
 *   +-------------------+--------------------+--------------------------------+
 *   | Segment Type (1)  | Segment Length (1) | Segment Value (Length x 2 or 4) |
 *   +-------------------+--------------------+--------------------------------+
 *
 * Segment Length counts ASNs, not octets. ASNs are 2 octets in AS_PATH unless both sides
 * advertised the 4-octet AS capability; always 4 octets in AS4_PATH.
 * RFC 7606 §7.2: an unknown segment type, a zero segment length or a segment that overruns
 * the attribute makes the AS_PATH malformed (Malformed AS_PATH, treat-as-withdraw).
 */

function malformed(message: string, offset: number): BgpDecodeError {
  return new BgpDecodeError(message, {
    code: NotificationCode.UpdateMessageError,
    subcode: UpdateMessageSubcode.MalformedAsPath,
    offset,
  });
}

export function decodeAsPath(r: Reader, asnOctets: 2 | 4): AsPathSegment[] {
  const segments: AsPathSegment[] = [];
  while (!r.atEnd) {
    const at = r.offset;
    const type = r.u8('segment type');
    if (type < AsPathSegmentType.AS_SET || type > AsPathSegmentType.AS_CONFED_SET) {
      throw malformed(`unknown AS_PATH segment type ${type}`, at);
    }
    if (r.atEnd) throw malformed('AS_PATH segment without a length', at);
    const count = r.u8('segment length');
    if (count === 0) throw malformed('AS_PATH segment of length 0', at);
    if (count * asnOctets > r.remaining) throw malformed(`AS_PATH segment of ${count} ASNs overruns`, at);
    const asns = new Array<number>(count);
    for (let i = 0; i < count; i++) asns[i] = asnOctets === 4 ? r.u32() : r.u16();
    segments.push({ type, asns });
  }
  return segments;
}

export function encodeAsPath(segments: readonly AsPathSegment[], w: Writer, asnOctets: 2 | 4): void {
  for (const s of segments) {
    if (s.asns.length === 0 || s.asns.length > 255) {
      throw new BgpError(BgpErrorCode.encode, `AS_PATH segment must hold 1..255 ASNs, got ${s.asns.length}`);
    }
    w.u8(s.type).u8(s.asns.length);
    for (const asn of s.asns) {
      if (asnOctets === 2) {
        if (asn > 0xffff)
          throw new BgpError(BgpErrorCode.encode, `ASN ${asn} does not fit a 2-octet AS_PATH`);
        w.u16(asn);
      } else {
        w.u32(asn);
      }
    }
  }
}

/** The AS count used for path length (RFC 4271 §9.1.2.2): a set counts 1, confed segments 0. */
export function asPathLength(segments: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === AsPathSegmentType.AS_SEQUENCE) n += s.asns.length;
    else if (s.type === AsPathSegmentType.AS_SET) n += 1;
  }
  return n;
}

/** The leftmost AS of the path (the neighbour that sent it), if the path starts with a sequence. */
export function firstAs(segments: readonly AsPathSegment[]): number | undefined {
  const s = segments[0];
  return s && s.type === AsPathSegmentType.AS_SEQUENCE ? s.asns[0] : undefined;
}
