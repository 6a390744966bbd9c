import type { BgpPrefix } from './prefix.js';

/**
 * Path attributes as values (RFC 4271 §4.3, §5). `type` is the RFC name of the attribute.
 * `flags` is present only when the received flags differ from the canonical ones this codec
 * would write (for instance a needless Extended Length bit), so that real captures re-encode
 * to the same bytes and values built in code stay short.
 */
export type PathAttribute =
  | (Flagged & { readonly type: 'ORIGIN'; readonly origin: number })
  | (Flagged & { readonly type: 'AS_PATH'; readonly segments: readonly AsPathSegment[] })
  | (Flagged & { readonly type: 'NEXT_HOP'; readonly nextHop: Uint8Array })
  | (Flagged & { readonly type: 'MULTI_EXIT_DISC'; readonly med: number })
  | (Flagged & { readonly type: 'LOCAL_PREF'; readonly localPref: number })
  | (Flagged & { readonly type: 'ATOMIC_AGGREGATE' })
  | (Flagged & { readonly type: 'AGGREGATOR'; readonly asn: number; readonly address: Uint8Array })
  | (Flagged & { readonly type: 'COMMUNITIES'; readonly communities: readonly number[] })
  | (Flagged & { readonly type: 'ORIGINATOR_ID'; readonly originatorId: number })
  | (Flagged & { readonly type: 'CLUSTER_LIST'; readonly clusterIds: readonly number[] })
  | (Flagged & MpReachNlri)
  | (Flagged & MpUnreachNlri)
  | (Flagged & { readonly type: 'EXTENDED_COMMUNITIES'; readonly communities: readonly bigint[] })
  | (Flagged & { readonly type: 'AS4_PATH'; readonly segments: readonly AsPathSegment[] })
  | (Flagged & { readonly type: 'AS4_AGGREGATOR'; readonly asn: number; readonly address: Uint8Array })
  | (Flagged & { readonly type: 'LARGE_COMMUNITY'; readonly communities: readonly LargeCommunity[] })
  | UnknownAttribute;

interface Flagged {
  readonly flags?: number;
}

export interface UnknownAttribute {
  readonly type: 'UNKNOWN';
  readonly code: number;
  readonly flags: number;
  readonly value: Uint8Array;
}

export type PathAttributeType = PathAttribute['type'];
export type AttributeOf<T extends PathAttributeType> = Extract<PathAttribute, { type: T }>;

/** RFC 4271 §4.3 / RFC 5065: segment type (1 AS_SET, 2 AS_SEQUENCE, 3/4 confederation). */
export interface AsPathSegment {
  readonly type: number;
  readonly asns: readonly number[];
}

/** RFC 8092 §3. */
export interface LargeCommunity {
  readonly globalAdministrator: number;
  readonly localData1: number;
  readonly localData2: number;
}

/**
 * RFC 4760 §3. `nextHop` holds 4 (IPv4), 16 (IPv6 global) or 32 (global then link-local)
 * octets. NLRI of an AFI/SAFI this codec does not parse is kept in `rawNlri`.
 */
export interface MpReachNlri {
  readonly type: 'MP_REACH_NLRI';
  readonly afi: number;
  readonly safi: number;
  readonly nextHop: Uint8Array;
  readonly nlri: readonly BgpPrefix[];
  readonly rawNlri?: Uint8Array;
}

/** RFC 4760 §4. */
export interface MpUnreachNlri {
  readonly type: 'MP_UNREACH_NLRI';
  readonly afi: number;
  readonly safi: number;
  readonly withdrawn: readonly BgpPrefix[];
  readonly rawWithdrawn?: Uint8Array;
}

/** What attribute decoding depends on from the session. */
export interface AttributeContext {
  /** Both sides advertised the 4-octet AS capability (RFC 6793): AS_PATH carries 4-octet ASNs. */
  readonly fourOctetAs: boolean;
}
