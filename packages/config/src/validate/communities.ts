// BGP communities as written in BGPAdvertisement.spec: RFC 1997 `AS:value`, well-known names,
// RFC 8092 large communities `global:local1:local2` (and MetalLB's `large:` spelling).
import type { LargeCommunity } from '../domain.js';

/** Well-known communities by name, with the RFC that registers each. */
export const wellKnownCommunities = {
  'no-export': 0xffffff01, // RFC 1997
  'no-advertise': 0xffffff02, // RFC 1997
  'no-export-subconfed': 0xffffff03, // RFC 1997
  'no-peer': 0xffffff04, // RFC 3765
  blackhole: 0xffff029a, // RFC 7999
  'graceful-shutdown': 0xffff0000, // RFC 8326
  'accept-own': 0xffff0001, // RFC 7611
} as const;

export type ParsedCommunity =
  | { readonly kind: 'standard'; readonly value: number }
  | { readonly kind: 'large'; readonly value: LargeCommunity }
  | { readonly kind: 'invalid'; readonly why: string };

const UINT16 = 0xffff;
const UINT32 = 0xffffffff;

export function parseLargeCommunity(text: string): ParsedCommunity {
  const parts = text.split(':');
  if (parts.length !== 3 || parts.some((p) => !/^[0-9]{1,10}$/.test(p)))
    return { kind: 'invalid', why: 'a large community is global:local1:local2' };
  const [g, l1, l2] = parts.map(Number) as [number, number, number];
  if (g > UINT32 || l1 > UINT32 || l2 > UINT32)
    return { kind: 'invalid', why: 'each part of a large community is at most 4294967295' };
  return { kind: 'large', value: { globalAdministrator: g, localData1: l1, localData2: l2 } };
}

export function parseCommunity(text: string): ParsedCommunity {
  if (Object.hasOwn(wellKnownCommunities, text))
    return { kind: 'standard', value: wellKnownCommunities[text as keyof typeof wellKnownCommunities] };
  if (text.startsWith('large:')) return parseLargeCommunity(text.slice('large:'.length));
  const m = /^([0-9]{1,5}):([0-9]{1,5})$/.exec(text);
  if (!m) return { kind: 'invalid', why: 'a community is AS:value or a well-known name' };
  const high = Number(m[1]);
  const low = Number(m[2]);
  if (high > UINT16 || low > UINT16)
    return { kind: 'invalid', why: 'each part of a community is at most 65535' };
  return { kind: 'standard', value: high * 0x10000 + low };
}
