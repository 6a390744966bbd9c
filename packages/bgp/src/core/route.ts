import type { LargeCommunity } from './codec/attribute-types.js';

/**
 * The attributes of one route we advertise, normalised: communities sorted and unique, next
 * hop as bytes. Routes with equal attributes share one object and one `key`, which is what
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

/**
 * A desired or advertised table: prefix key (`prefixKey`) to attributes. Keys rather than
 * prefix objects keep 100,000 routes to a few megabytes; the packer writes NLRI straight from
 * the keys.
 */
export type Rib = ReadonlyMap<string, RouteAttributes>;

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/** Builds (and normalises) an attribute set with its key. */
export function routeAttributes(input: {
  nextHop?: Uint8Array | undefined;
  communities?: readonly number[];
  largeCommunities?: readonly LargeCommunity[];
  localPref?: number | undefined;
  med?: number | undefined;
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
    largeCommunities.map((c) => `${c.globalAdministrator}:${c.localData1}:${c.localData2}`).join(','),
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
