import { IPAddress, Prefix } from '@ironlb/netaddr';
import type { LargeCommunity } from './codec/attribute-types.js';
import { prefixFromAddress, prefixKey, type BgpPrefix } from './codec/prefix.js';
import { WellKnownCommunity } from './constants.js';
import { routeAttributes, type Rib, type RibEntry, type RouteAttributes } from './route.js';

/**
 * One route the speaker wants a peer to have: the desired-state input of
 * `session.setAdvertisements(all)`. Text forms are accepted for configuration-driven callers;
 * `@ironlb/netaddr` values for everyone else.
 */
export interface Advertisement {
  /** `Prefix` or strict CIDR text (`198.51.100.10/32`, `2001:db8::10/128`). */
  readonly prefix: Prefix | string;
  /** Defaults to the session's own address of the prefix's family ("next-hop-self"). */
  readonly nextHop?: IPAddress | string;
  /** RFC 1997: `'64512:100'`, a 32-bit number, or `'no-export'`, `'no-advertise'`, `'no-export-subconfed'`, `'nopeer'`. */
  readonly communities?: readonly (string | number)[];
  /** RFC 8092: `'64512:1:2'` or `{ globalAdministrator, localData1, localData2 }`. */
  readonly largeCommunities?: readonly (string | LargeCommunity)[];
  /** LOCAL_PREF for internal peers (RFC 4271 §5.1.5); not sent to external peers. Default 100. */
  readonly localPref?: number;
  /** MULTI_EXIT_DISC (RFC 4271 §5.1.4). */
  readonly med?: number;
}

export type AdvertisementRejection =
  | 'invalidPrefix'
  | 'invalidNextHop'
  | 'nextHopFamilyMismatch'
  | 'invalidCommunity'
  | 'invalidLargeCommunity'
  | 'invalidLocalPref'
  | 'invalidMed'
  | 'duplicatePrefix';

export interface RejectedAdvertisement {
  readonly advertisement: Advertisement;
  readonly reason: AdvertisementRejection;
  readonly detail: string;
}

const wellKnown: Record<string, number> = {
  'no-export': WellKnownCommunity.NO_EXPORT,
  'no-advertise': WellKnownCommunity.NO_ADVERTISE,
  'no-export-subconfed': WellKnownCommunity.NO_EXPORT_SUBCONFED,
  nopeer: WellKnownCommunity.NOPEER,
};

const u32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
const decimal = /^(0|[1-9][0-9]*)$/;

export function parseCommunity(c: string | number): number | undefined {
  if (typeof c === 'number') return u32(c) ? c : undefined;
  const named = wellKnown[c.toLowerCase().replace(/_/g, '-')];
  if (named !== undefined) return named;
  const parts = c.split(':');
  if (parts.length !== 2 || !parts.every((p) => decimal.test(p))) return undefined;
  const [hi, lo] = parts.map(Number) as [number, number];
  return hi <= 0xffff && lo <= 0xffff ? hi * 65536 + lo : undefined;
}

export function parseLargeCommunity(c: string | LargeCommunity): LargeCommunity | undefined {
  if (typeof c !== 'string') {
    return u32(c.globalAdministrator) && u32(c.localData1) && u32(c.localData2) ? c : undefined;
  }
  const parts = c.split(':');
  if (parts.length !== 3 || !parts.every((p) => decimal.test(p))) return undefined;
  const [g, l1, l2] = parts.map(Number) as [number, number, number];
  return u32(g) && u32(l1) && u32(l2)
    ? { globalAdministrator: g, localData1: l1, localData2: l2 }
    : undefined;
}

const ipv4Cidr = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\/(0|[1-9]\d?)$/;

/** Strict CIDR text or a `Prefix` to the codec's prefix form; undefined when invalid. */
export function toBgpPrefix(p: Prefix | string): BgpPrefix | undefined {
  if (typeof p === 'string') {
    // Fast path for the common IPv4 case: tens of thousands of /32s parse in milliseconds.
    const m = ipv4Cidr.exec(p);
    if (m) {
      const octets = [m[1], m[2], m[3], m[4]].map(Number);
      const length = Number(m[5]);
      if (octets.some((o) => o > 255) || length > 32) return undefined;
      const prefix = prefixFromAddress(Uint8Array.from(octets), length);
      const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
      const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
      return (value & ~mask) >>> 0 === 0 ? prefix : undefined;
    }
    const parsed = Prefix.tryParse(p);
    if (!parsed.ok) return undefined;
    p = parsed.value;
  }
  if (!(p instanceof Prefix)) return undefined;
  return prefixFromAddress(p.network.toBytes(), p.length);
}

function toAddressBytes(a: IPAddress | string): Uint8Array | undefined {
  if (typeof a !== 'string') return a instanceof IPAddress ? a.toBytes() : undefined;
  const parsed = IPAddress.tryParse(a);
  return parsed.ok ? parsed.value.toBytes() : undefined;
}

export type NormalizeResult =
  | { readonly ok: true; readonly entry: RibEntry }
  | { readonly ok: false; readonly reason: AdvertisementRejection; readonly detail: string };

/**
 * Checks and normalises one advertisement. `intern` shares equal attribute sets between
 * entries (100,000 routes with the same communities hold one attributes object).
 */
export function normalizeAdvertisement(
  ad: Advertisement,
  intern: Map<string, RouteAttributes> = new Map(),
): NormalizeResult {
  const prefix = toBgpPrefix(ad.prefix);
  if (!prefix) return { ok: false, reason: 'invalidPrefix', detail: String(ad.prefix) };
  let nextHop: Uint8Array | undefined;
  if (ad.nextHop !== undefined) {
    nextHop = toAddressBytes(ad.nextHop);
    if (!nextHop) return { ok: false, reason: 'invalidNextHop', detail: String(ad.nextHop) };
    if ((nextHop.length === 4) !== (prefix.family === 4)) {
      return {
        ok: false,
        reason: 'nextHopFamilyMismatch',
        detail: `${String(ad.nextHop)} for ${String(ad.prefix)}`,
      };
    }
  }
  const communities: number[] = [];
  for (const c of ad.communities ?? []) {
    const v = parseCommunity(c);
    if (v === undefined) return { ok: false, reason: 'invalidCommunity', detail: String(c) };
    communities.push(v);
  }
  const largeCommunities: LargeCommunity[] = [];
  for (const c of ad.largeCommunities ?? []) {
    const v = parseLargeCommunity(c);
    if (!v) return { ok: false, reason: 'invalidLargeCommunity', detail: JSON.stringify(c) };
    largeCommunities.push(v);
  }
  if (ad.localPref !== undefined && !u32(ad.localPref)) {
    return { ok: false, reason: 'invalidLocalPref', detail: String(ad.localPref) };
  }
  if (ad.med !== undefined && !u32(ad.med))
    return { ok: false, reason: 'invalidMed', detail: String(ad.med) };
  const attrs = routeAttributes({
    nextHop,
    communities,
    largeCommunities,
    localPref: ad.localPref,
    med: ad.med,
  });
  let shared = intern.get(attrs.key);
  if (!shared) {
    shared = attrs;
    intern.set(attrs.key, attrs);
  }
  return { ok: true, entry: { prefix, key: prefixKey(prefix), attributes: shared } };
}

/** The desired table from a full list of advertisements; invalid and duplicate ones are reported. */
export function buildRib(ads: Iterable<Advertisement>): {
  rib: Map<string, RibEntry>;
  rejected: RejectedAdvertisement[];
} {
  const rib = new Map<string, RibEntry>();
  const rejected: RejectedAdvertisement[] = [];
  const intern = new Map<string, RouteAttributes>();
  for (const ad of ads) {
    const r = normalizeAdvertisement(ad, intern);
    if (!r.ok) {
      rejected.push({ advertisement: ad, reason: r.reason, detail: r.detail });
    } else if (rib.has(r.entry.key)) {
      rejected.push({ advertisement: ad, reason: 'duplicatePrefix', detail: String(ad.prefix) });
    } else {
      rib.set(r.entry.key, r.entry);
    }
  }
  return { rib, rejected };
}

export type { Rib };
