import type { LargeCommunity } from './codec/attribute-types.js';
import type { BgpPrefix } from './codec/prefix.js';

/**
 * The attributes of one route we advertise, normalised: communities sorted and unique, next
 * hop as bytes. Entries with equal attributes share one object and one `key`, which is what
 * groups prefixes into the same UPDATE.
 */
export interface RouteAttributes {
  /** 4 or 16 octets; absent means "this session's own address of the prefix's family". */
  readonly nextHop?: Uint8Array;
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
  /** Sent to internal peers only (RFC 4271 §5.1.5); 100 when absent. */
  readonly localPref?: number;
  readonly med?: number;
  /** Identity of the attribute set: equal keys, equal attributes. */
  readonly key: string;
}

/** One prefix of an Adj-RIB-Out. */
export interface RibEntry {
  readonly prefix: BgpPrefix;
  /** `prefixKey(prefix)`. */
  readonly key: string;
  readonly attributes: RouteAttributes;
}

/** A desired or advertised table: prefix key to entry. */
export type Rib = ReadonlyMap<string, RibEntry>;

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/** Builds (and normalises) an attribute set with its key. */
export function routeAttributes(input: {
  nextHop?: Uint8Array;
  communities?: readonly number[];
  largeCommunities?: readonly LargeCommunity[];
  localPref?: number;
  med?: number;
}): RouteAttributes {
  const communities = [...new Set(input.communities ?? [])].sort((a, b) => a - b);
  const seen = new Set<string>();
  const largeCommunities: LargeCommunity[] = [];
  for (const c of input.largeCommunities ?? []) {
    const k = `${c.globalAdministrator}:${c.localData1}:${c.localData2}`;
    if (!seen.has(k)) {
      seen.add(k);
      largeCommunities.push(c);
    }
  }
  largeCommunities.sort(
    (a, b) =>
      a.globalAdministrator - b.globalAdministrator ||
      a.localData1 - b.localData1 ||
      a.localData2 - b.localData2,
  );
  const key = [
    input.nextHop ? hex(input.nextHop) : '-',
    communities.join(','),
    [...seen].sort().join(','),
    input.localPref ?? '-',
    input.med ?? '-',
  ].join('|');
  const out: RouteAttributes = { communities, largeCommunities, key };
  return {
    ...out,
    ...(input.nextHop ? { nextHop: input.nextHop } : {}),
    ...(input.localPref !== undefined ? { localPref: input.localPref } : {}),
    ...(input.med !== undefined ? { med: input.med } : {}),
  };
}
