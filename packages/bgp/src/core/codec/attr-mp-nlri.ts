import type { Reader, Writer } from '@ironlb/wire';
import { Afi, NotificationCode, Safi, UpdateMessageSubcode } from '../constants.js';
import { BgpDecodeError } from '../errors.js';
import type { MpReachNlri, MpUnreachNlri } from './attribute-types.js';
import { decodePrefixes, encodePrefix, familyOfAfi } from './prefix.js';

/*
 * RFC 4760 §3 MP_REACH_NLRI (type 14):
 *
 *   +---------------------------------------------------------+
 *   | Address Family Identifier (2 octets)                    |
 *   +---------------------------------------------------------+
 *   | Subsequent Address Family Identifier (1 octet)          |
 *   +---------------------------------------------------------+
 *   | Length of Next Hop Network Address (1 octet)            |
 *   +---------------------------------------------------------+
 *   | Network Address of Next Hop (variable)                  |
 *   +---------------------------------------------------------+
 *   | Reserved (1 octet)                                      |
 *   +---------------------------------------------------------+
 *   | Network Layer Reachability Information (variable)       |
 *   +---------------------------------------------------------+
 *
 * RFC 4760 §4 MP_UNREACH_NLRI (type 15): AFI (2) | SAFI (1) | Withdrawn Routes (variable).
 * An MP_UNREACH_NLRI with no withdrawn routes is the End-of-RIB marker of that family
 * (RFC 4724 §2).
 *
 * RFC 2545 §3: an IPv6 next hop is 16 octets (global) or 32 (global then link-local).
 * RFC 7606 §7.11: a malformed MP attribute (bad next hop length, NLRI that does not parse)
 * cannot be treated as withdraw, because its NLRI cannot be trusted: session reset, with
 * Optional Attribute Error.
 */

function mpError(message: string, offset: number): BgpDecodeError {
  return new BgpDecodeError(message, {
    code: NotificationCode.UpdateMessageError,
    subcode: UpdateMessageSubcode.OptionalAttributeError,
    offset,
  });
}

function isUnicast(afi: number, safi: number): boolean {
  return safi === Safi.Unicast && (afi === Afi.IPv4 || afi === Afi.IPv6);
}

export function decodeMpReach(r: Reader): MpReachNlri {
  const at = r.offset;
  const afi = r.u16('afi');
  const safi = r.u8('safi');
  const nhLength = r.u8('next hop length');
  if (nhLength > r.remaining) throw mpError(`next hop length ${nhLength} overruns MP_REACH_NLRI`, at);
  const nextHop = r.bytes(nhLength).slice();
  if (r.atEnd) throw mpError('MP_REACH_NLRI ends before its reserved octet', r.offset);
  r.u8('reserved');
  if (isUnicast(afi, safi)) {
    const ok = afi === Afi.IPv4 ? nhLength === 4 : nhLength === 16 || nhLength === 32;
    if (!ok) throw mpError(`next hop length ${nhLength} is not valid for AFI ${afi}`, at + 3);
    const nlri = decodePrefixes(r, familyOfAfi(afi)!, UpdateMessageSubcode.OptionalAttributeError);
    return { type: 'MP_REACH_NLRI', afi, safi, nextHop, nlri };
  }
  return { type: 'MP_REACH_NLRI', afi, safi, nextHop, nlri: [], rawNlri: r.rest().slice() };
}

export function encodeMpReach(a: MpReachNlri, w: Writer): void {
  w.u16(a.afi).u8(a.safi).u8(a.nextHop.length).bytes(a.nextHop).u8(0);
  for (const p of a.nlri) encodePrefix(p, w);
  if (a.rawNlri) w.bytes(a.rawNlri);
}

export function decodeMpUnreach(r: Reader): MpUnreachNlri {
  const afi = r.u16('afi');
  const safi = r.u8('safi');
  if (isUnicast(afi, safi)) {
    const withdrawn = decodePrefixes(r, familyOfAfi(afi)!, UpdateMessageSubcode.OptionalAttributeError);
    return { type: 'MP_UNREACH_NLRI', afi, safi, withdrawn };
  }
  return { type: 'MP_UNREACH_NLRI', afi, safi, withdrawn: [], rawWithdrawn: r.rest().slice() };
}

export function encodeMpUnreach(a: MpUnreachNlri, w: Writer): void {
  w.u16(a.afi).u8(a.safi);
  for (const p of a.withdrawn) encodePrefix(p, w);
  if (a.rawWithdrawn) w.bytes(a.rawWithdrawn);
}
