import { IPAddress, Prefix } from '@ironlb/netaddr';
import type { LargeCommunity } from './codec/attribute-types.js';
import { familyOfKey, ipv4PrefixKey, prefixFromAddress, prefixKey } from './codec/prefix.js';
import { WellKnownCommunity } from './constants.js';
import { groupTable, type TableGroup } from './adj-rib-out.js';
import { routeAttributes, type Rib, type RouteAttributes } from './route.js';

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
  | 'tooManyCommunities'
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

/** Octets of COMMUNITIES and LARGE_COMMUNITY values allowed in one route's attributes. */
const maxCommunityOctets = 3600;

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

/**
 * Strict IPv4 CIDR text (`198.51.100.10/32`: no leading zeros, host bits clear) straight to a
 * prefix key, without intermediate objects: 100,000 advertisements parse in milliseconds and
 * leave no garbage behind. Undefined when the text is not such a prefix.
 */
function ipv4TextToKey(t: string): string | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + c - 48;
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46 /* . */ || c === 47 /* / */) {
      if (digits === 0) return undefined;
      value = (value * 256 + octet) >>> 0;
      octet = 0;
      digits = 0;
      if (c === 47) break;
      if (++dots > 3) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || i >= t.length) return undefined;
  let length = 0;
  const lengthDigits = t.length - i - 1;
  if (lengthDigits < 1 || lengthDigits > 2 || (lengthDigits === 2 && t.charCodeAt(i + 1) === 48))
    return undefined;
  for (let k = i + 1; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c < 48 || c > 57) return undefined;
    length = length * 10 + c - 48;
  }
  if (length > 32) return undefined;
  const host = length === 32 ? 0 : (0xffffffff >>> length) >>> 0;
  if ((value & host) !== 0) return undefined;
  return ipv4PrefixKey(value, length);
}

/** Strict CIDR text or a `Prefix` to a prefix key; undefined when invalid. */
export function toPrefixKey(p: Prefix | string): string | undefined {
  if (typeof p === 'string') {
    const fast = ipv4TextToKey(p);
    if (fast !== undefined) return fast;
    const parsed = Prefix.tryParse(p);
    if (!parsed.ok) return undefined;
    p = parsed.value;
  }
  if (!(p instanceof Prefix)) return undefined;
  return prefixKey(prefixFromAddress(p.network.toBytes(), p.length));
}

function toAddressBytes(a: IPAddress | string): Uint8Array | undefined {
  if (typeof a !== 'string') return a instanceof IPAddress ? a.toBytes() : undefined;
  const parsed = IPAddress.tryParse(a);
  return parsed.ok ? parsed.value.toBytes() : undefined;
}

export type NormalizeResult =
  | { readonly ok: true; readonly key: string; readonly attributes: RouteAttributes }
  | { readonly ok: false; readonly reason: AdvertisementRejection; readonly detail: string };

const noAttributes = routeAttributes({});

/**
 * Checks and normalises one advertisement. `intern` shares equal attribute sets between
 * routes (100,000 routes with the same communities hold one attributes object).
 */
export function normalizeAdvertisement(
  ad: Advertisement,
  intern: Map<string, RouteAttributes> = new Map(),
): NormalizeResult {
  const key = toPrefixKey(ad.prefix);
  if (key === undefined) return { ok: false, reason: 'invalidPrefix', detail: String(ad.prefix) };
  if (
    ad.nextHop === undefined &&
    ad.communities === undefined &&
    ad.largeCommunities === undefined &&
    ad.localPref === undefined &&
    ad.med === undefined
  ) {
    return { ok: true, key, attributes: noAttributes };
  }
  let nextHop: Uint8Array | undefined;
  if (ad.nextHop !== undefined) {
    nextHop = toAddressBytes(ad.nextHop);
    if (!nextHop) return { ok: false, reason: 'invalidNextHop', detail: String(ad.nextHop) };
    if ((nextHop.length === 4) !== (familyOfKey(key) === 4)) {
      return {
        ok: false,
        reason: 'nextHopFamilyMismatch',
        detail: `${String(ad.nextHop)} for ${String(ad.prefix)}`,
      };
    }
  }
  // Routes built from one spec share the same arrays: parse each array once.
  const large = ad.largeCommunities?.map((c) =>
    typeof c === 'string' ? c : `${c.globalAdministrator}:${c.localData1}:${c.localData2}`,
  );
  const cacheKey = `@${String(ad.nextHop)}|${ad.communities?.join(',')}|${large?.join(',')}|${ad.localPref}|${ad.med}`;
  const cached = intern.get(cacheKey);
  if (cached) return { ok: true, key, attributes: cached };
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
  // Path attributes must leave room for NLRI in a 4096-octet UPDATE (RFC 4271 §4.3).
  if (communities.length * 4 + largeCommunities.length * 12 > maxCommunityOctets) {
    return {
      ok: false,
      reason: 'tooManyCommunities',
      detail: `${communities.length} communities and ${largeCommunities.length} large communities`,
    };
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
  intern.set(cacheKey, shared);
  return { ok: true, key, attributes: shared };
}

/**
 * The desired table built from a full list of advertisements, with the invalid and duplicate
 * ones set aside. Immutable: build it once and pass the same table to every session that
 * should carry these routes, and they share it (no per-peer copy).
 */
export class AdvertisementTable {
  readonly rib: Rib;
  readonly rejected: readonly RejectedAdvertisement[];
  /** The table grouped by attributes with its NLRI encoded: a new session's first UPDATEs. */
  readonly groups: readonly TableGroup[];
  /** Prefixes per family. */
  readonly ipv4: number;
  readonly ipv6: number;

  private constructor(rib: Rib, rejected: readonly RejectedAdvertisement[]) {
    this.rib = rib;
    this.rejected = rejected;
    let ipv4 = 0;
    for (const key of rib.keys()) if (familyOfKey(key) === 4) ipv4++;
    this.ipv4 = ipv4;
    this.ipv6 = rib.size - ipv4;
    this.groups = groupTable(rib);
  }

  static from(ads: Iterable<Advertisement>): AdvertisementTable {
    const rib = new Map<string, RouteAttributes>();
    const rejected: RejectedAdvertisement[] = [];
    const intern = new Map<string, RouteAttributes>();
    for (const ad of ads) {
      const r = normalizeAdvertisement(ad, intern);
      if (!r.ok) {
        rejected.push({ advertisement: ad, reason: r.reason, detail: r.detail });
      } else if (rib.has(r.key)) {
        rejected.push({ advertisement: ad, reason: 'duplicatePrefix', detail: String(ad.prefix) });
      } else {
        rib.set(r.key, r.attributes);
      }
    }
    return new AdvertisementTable(rib, rejected);
  }

  get size(): number {
    return this.rib.size;
  }
}

export type { Rib };
