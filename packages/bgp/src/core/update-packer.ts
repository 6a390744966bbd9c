import { Writer } from '@ironlb/wire';
import { BgpError, BgpErrorCode } from './errors.js';
import { encodeAttribute } from './codec/attributes.js';
import type { PathAttribute } from './codec/attribute-types.js';
import { afiOfFamily, writePrefixKeyInto, type Family } from './codec/prefix.js';
import {
  AS_TRANS,
  AsPathSegmentType,
  AttributeFlag,
  AttributeType,
  MessageType,
  Origin,
  Safi,
} from './constants.js';
import type { RouteAttributes } from './route.js';

/**
 * Builds the UPDATEs that carry an Adj-RIB-Out diff, straight into one byte buffer: every
 * group of prefixes that share attributes is packed into as few UPDATEs as the message size
 * allows (4096 octets, or 65535 with RFC 8654), the path attributes encoded once per group.
 * MetalLB sends one UPDATE per prefix; 10,000 /32s here are 13 UPDATEs of 4 KB (or one of
 * 50 KB with Extended Message).
 *
 * Export policy (RFC 4271 §5.1): ORIGIN IGP; AS_PATH empty to internal peers and our AS to
 * external ones (AS_TRANS plus AS4_PATH when the peer lacks 4-octet AS support, RFC 6793
 * §4.2.2); NEXT_HOP for IPv4, the MP_REACH_NLRI next hop for IPv6 (RFC 4760, RFC 2545);
 * LOCAL_PREF to internal peers only; MED, COMMUNITIES and LARGE_COMMUNITY when set.
 */
export interface ExportContext {
  readonly localAs: number;
  readonly internal: boolean;
  readonly fourOctetAs: boolean;
  readonly maxLength: number;
  /** Next-hop-self per family: the local address of the session, or configured. */
  readonly nextHop4?: Uint8Array;
  readonly nextHop6?: Uint8Array;
  /** Added after the global IPv6 next hop of next-hop-self routes (RFC 2545 §3). */
  readonly nextHop6LinkLocal?: Uint8Array;
}

const MARKER = new Uint8Array(16).fill(0xff);
const E = AttributeFlag.ExtendedLength;

/** The next hop a route goes out with, or undefined when this session has none for its family. */
export function exportNextHop(
  attrs: RouteAttributes,
  family: Family,
  ctx: ExportContext,
): Uint8Array | undefined {
  if (family === 4) return attrs.nextHop ?? ctx.nextHop4;
  if (attrs.nextHop) return attrs.nextHop;
  if (!ctx.nextHop6) return undefined;
  if (!ctx.nextHop6LinkLocal) return ctx.nextHop6;
  const both = new Uint8Array(32);
  both.set(ctx.nextHop6);
  both.set(ctx.nextHop6LinkLocal, 16);
  return both;
}

/** Path attributes of a route for this session, except MP_REACH_NLRI. */
export function exportAttributes(
  attrs: RouteAttributes,
  family: Family,
  ctx: ExportContext,
): PathAttribute[] {
  const out: PathAttribute[] = [{ type: 'ORIGIN', origin: Origin.IGP }];
  if (ctx.internal) {
    out.push({ type: 'AS_PATH', segments: [] });
  } else if (ctx.fourOctetAs || ctx.localAs <= 0xffff) {
    out.push({ type: 'AS_PATH', segments: [{ type: AsPathSegmentType.AS_SEQUENCE, asns: [ctx.localAs] }] });
  } else {
    out.push({ type: 'AS_PATH', segments: [{ type: AsPathSegmentType.AS_SEQUENCE, asns: [AS_TRANS] }] });
  }
  if (family === 4) {
    const nh = exportNextHop(attrs, 4, ctx);
    if (nh) out.push({ type: 'NEXT_HOP', nextHop: nh });
  }
  if (attrs.med !== undefined) out.push({ type: 'MULTI_EXIT_DISC', med: attrs.med });
  if (ctx.internal) out.push({ type: 'LOCAL_PREF', localPref: attrs.localPref ?? 100 });
  if (attrs.communities.length > 0) out.push({ type: 'COMMUNITIES', communities: attrs.communities });
  if (!ctx.internal && !ctx.fourOctetAs && ctx.localAs > 0xffff) {
    out.push({ type: 'AS4_PATH', segments: [{ type: AsPathSegmentType.AS_SEQUENCE, asns: [ctx.localAs] }] });
  }
  if (attrs.largeCommunities.length > 0)
    out.push({ type: 'LARGE_COMMUNITY', communities: attrs.largeCommunities });
  return out;
}

function encodeAttributes(list: readonly PathAttribute[], fourOctetAs: boolean): Uint8Array {
  const w = new Writer(128);
  for (const a of list) encodeAttribute(a, w, { fourOctetAs });
  return w.finish().slice();
}

/**
 * Appends as many prefixes (keys, from index `from`) as fit in `room` octets, at least one
 * (a single prefix always fits an UPDATE). Returns the index of the first prefix left out.
 */
function fillPrefixes(w: Writer, prefixes: readonly string[], from: number, room: number): number {
  const buf = new Uint8Array(Math.max(0, room));
  let n = 0;
  let i = from;
  while (i < prefixes.length) {
    const written = writePrefixKeyInto(buf, n, buf.length, prefixes[i]!);
    if (written === 0) break;
    n += written;
    i++;
  }
  w.bytes(buf.subarray(0, n));
  return i;
}

/** `fillPrefixes` over NLRI bytes: `from` and the result are byte offsets. */
function fillNlri(w: Writer, nlri: Uint8Array, from: number, room: number): number {
  let end = from;
  while (end < nlri.length) {
    const size = 1 + ((nlri[end]! + 7) >> 3);
    if (end + size - from > room) break;
    end += size;
  }
  w.bytes(nlri.subarray(from, end));
  return end;
}

function tooLarge(attributes: number): BgpError {
  // normalizeAdvertisement bounds communities so that this cannot happen with its input.
  return new BgpError(BgpErrorCode.encode, `path attributes of ${attributes} octets leave no room for NLRI`);
}

function startMessage(w: Writer): { start: number; lengthAt: number } {
  const start = w.length;
  w.bytes(MARKER);
  const lengthAt = w.reserveU16();
  w.u8(MessageType.UPDATE);
  return { start, lengthAt };
}

/**
 * Appends UPDATEs announcing `prefixes` (prefix keys, or their NLRI already encoded, all of
 * `family`) with one attribute set. Returns the number of UPDATEs written. Nothing is written
 * when there is no next hop for the family.
 */
export function packAnnouncements(
  w: Writer,
  family: Family,
  attrs: RouteAttributes,
  prefixes: readonly string[] | Uint8Array,
  ctx: ExportContext,
): number {
  const nextHop = exportNextHop(attrs, family, ctx);
  if (!nextHop || prefixes.length === 0) return 0;
  const fill = prefixes instanceof Uint8Array ? fillNlri : fillPrefixes;
  const common = encodeAttributes(exportAttributes(attrs, family, ctx), ctx.fourOctetAs);
  let messages = 0;
  let i = 0;
  while (i < prefixes.length) {
    const { start, lengthAt } = startMessage(w);
    w.u16(0); // withdrawn routes length
    if (family === 4) {
      w.u16(common.length).bytes(common);
      // Each NLRI costs 1 + its octets; stop before the message would exceed the limit.
      const before = i;
      i = fill(w, prefixes as never, i, ctx.maxLength - (w.length - start));
      if (i === before) throw tooLarge(common.length);
    } else {
      // RFC 7606 §5.1: MP_REACH_NLRI first, with a 2-octet attribute length.
      const attrLenAt = w.reserveU16();
      const attrStart = w.length;
      w.u8(AttributeFlag.Optional | E).u8(AttributeType.MP_REACH_NLRI);
      const mpLenAt = w.reserveU16();
      const mpStart = w.length;
      w.u16(afiOfFamily(6)).u8(Safi.Unicast).u8(nextHop.length).bytes(nextHop).u8(0);
      const before = i;
      i = fill(w, prefixes as never, i, ctx.maxLength - (w.length - start) - common.length);
      if (i === before) throw tooLarge(common.length);
      w.patchU16(mpLenAt, w.length - mpStart);
      w.bytes(common);
      w.patchU16(attrLenAt, w.length - attrStart);
    }
    w.patchU16(lengthAt, w.length - start);
    messages++;
  }
  return messages;
}

/** Appends UPDATEs withdrawing `prefixes` (prefix keys, all of `family`). Returns the number written. */
export function packWithdrawals(
  w: Writer,
  family: Family,
  prefixes: readonly string[],
  maxLength: number,
): number {
  let messages = 0;
  let i = 0;
  while (i < prefixes.length) {
    const { start, lengthAt } = startMessage(w);
    if (family === 4) {
      const wAt = w.reserveU16();
      const wStart = w.length;
      i = fillPrefixes(w, prefixes, i, maxLength - (w.length - start) - 2);
      w.patchU16(wAt, w.length - wStart);
      w.u16(0);
    } else {
      w.u16(0);
      const attrLenAt = w.reserveU16();
      const attrStart = w.length;
      w.u8(AttributeFlag.Optional | E).u8(AttributeType.MP_UNREACH_NLRI);
      const mpLenAt = w.reserveU16();
      const mpStart = w.length;
      w.u16(afiOfFamily(6)).u8(Safi.Unicast);
      i = fillPrefixes(w, prefixes, i, maxLength - (w.length - start));
      w.patchU16(mpLenAt, w.length - mpStart);
      w.patchU16(attrLenAt, w.length - attrStart);
    }
    w.patchU16(lengthAt, w.length - start);
    messages++;
  }
  return messages;
}

/** Appends the End-of-RIB marker of a family (RFC 4724 §2). */
export function packEndOfRib(w: Writer, family: Family): void {
  const { start, lengthAt } = startMessage(w);
  if (family === 4) {
    w.u16(0).u16(0);
  } else {
    w.u16(0).u16(6).u8(AttributeFlag.Optional).u8(AttributeType.MP_UNREACH_NLRI).u8(3);
    w.u16(afiOfFamily(6)).u8(Safi.Unicast);
  }
  w.patchU16(lengthAt, w.length - start);
}
