// Whole-configuration validation: from the custom resources as they are now, and the
// configuration in effect before, compute the configuration in effect now and every problem.
//
// Kinds are resolved in dependency order (BFDProfile -> IPAddressPool -> BGPPeer ->
// BGPAdvertisement, L2Advertisement): references point at the objects *in effect*, so a
// BGPAdvertisement naming a rejected pool is itself reported (missingPool).
import type {
  BFDProfile,
  BGPAdvertisement,
  BGPPeer,
  IPAddressPool,
  L2Advertisement,
  LabelSelector,
} from './crd/generated-types.js';
import type {
  BfdProfileConfig,
  BgpAdvertisementConfig,
  BgpPeerConfig,
  L2AdvertisementConfig,
  PoolConfig,
  SpeakerConfig,
} from './domain.js';
import type { Problem } from './problems.js';
import { resolveKind } from './resolve-kind.js';
import type { Accepted, Conflict, ObjectStatus } from './resolve-kind.js';
import {
  checkBfdProfile,
  checkBgpAdvertisement,
  checkL2Advertisement,
} from './validate/check-advertisements.js';
import { checkPeer } from './validate/check-peer.js';
import { checkPool } from './validate/check-pool.js';
import { canonicalJson } from './validate/common.js';
import type { Findings } from './validate/common.js';
import { matchesAnySelector } from './validate/selectors.js';

/** The custom resources as listed from the API (any order; absent lists are empty). */
export interface ConfigObjects {
  readonly ipAddressPools?: readonly IPAddressPool[];
  readonly l2Advertisements?: readonly L2Advertisement[];
  readonly bgpPeers?: readonly BGPPeer[];
  readonly bgpAdvertisements?: readonly BGPAdvertisement[];
  readonly bfdProfiles?: readonly BFDProfile[];
}

/** The configuration in effect: per kind, by name, the object version in use and its parsed form. */
export interface EffectiveConfig {
  readonly ipAddressPools: ReadonlyMap<string, Accepted<IPAddressPool, PoolConfig>>;
  readonly bgpPeers: ReadonlyMap<string, Accepted<BGPPeer, BgpPeerConfig>>;
  readonly bgpAdvertisements: ReadonlyMap<string, Accepted<BGPAdvertisement, BgpAdvertisementConfig>>;
  readonly l2Advertisements: ReadonlyMap<string, Accepted<L2Advertisement, L2AdvertisementConfig>>;
  readonly bfdProfiles: ReadonlyMap<string, Accepted<BFDProfile, BfdProfileConfig>>;
}

export interface BuildResult {
  readonly config: EffectiveConfig;
  /** Every problem of every current object, errors and warnings. */
  readonly problems: readonly Problem[];
  /** One entry per current object: whether it is in effect, and its problems. */
  readonly objects: readonly ObjectStatus[];
}

export const emptyConfig: EffectiveConfig = {
  ipAddressPools: new Map(),
  bgpPeers: new Map(),
  bgpAdvertisements: new Map(),
  l2Advertisements: new Map(),
  bfdProfiles: new Map(),
};

/** Pool references of an advertisement, resolved against the pools in effect. */
function resolvePools(
  spec: { ipAddressPools?: string[]; ipAddressPoolSelectors?: LabelSelector[] },
  pools: ReadonlyMap<string, Accepted<IPAddressPool, PoolConfig>>,
  existing: ReadonlySet<string>,
  findings: Findings,
): string[] {
  const names = spec.ipAddressPools ?? [];
  const selectors = spec.ipAddressPoolSelectors ?? [];
  if (names.length === 0 && selectors.length === 0) return [...pools.keys()];
  const out = new Set<string>();
  names.forEach((name, i) => {
    if (pools.has(name)) out.add(name);
    else
      findings.add(
        `spec.ipAddressPools[${i}]`,
        'missingPool',
        `IPAddressPool "${name}" ${existing.has(name) ? 'is not valid' : 'does not exist'}`,
      );
  });
  if (selectors.length > 0) {
    let matched = 0;
    for (const [name, p] of pools)
      if (matchesAnySelector(selectors, p.config.labels)) {
        out.add(name);
        matched++;
      }
    if (matched === 0)
      findings.add(
        'spec.ipAddressPoolSelectors',
        'noMatchingPools',
        'the pool selectors match no IPAddressPool in effect',
      );
  }
  return [...out].sort();
}

function nodeScopesOverlap(a: readonly LabelSelector[], b: readonly LabelSelector[]): boolean {
  return a.length === 0 || b.length === 0 || canonicalJson(a) === canonicalJson(b);
}

export function buildConfig(previous: EffectiveConfig | undefined, objects: ConfigObjects): BuildResult {
  const prev = previous ?? emptyConfig;

  const bfd = resolveKind({
    kind: 'BFDProfile',
    current: objects.bfdProfiles ?? [],
    previous: prev.bfdProfiles,
    evaluate: checkBfdProfile,
  });

  const pools = resolveKind({
    kind: 'IPAddressPool',
    current: objects.ipAddressPools ?? [],
    previous: prev.ipAddressPools,
    evaluate: checkPool,
    conflict: (candidate, accepted): Conflict | undefined => {
      for (const [i, r] of candidate.config.ranges.entries())
        for (const other of accepted)
          for (const o of other.config.ranges)
            if (r.overlaps(o))
              return {
                field: `spec.addresses[${i}]`,
                reason: 'overlappingAddresses',
                message: `spec.addresses[${i}] ${r} overlaps ${o} of IPAddressPool "${other.config.name}"`,
              };
      return undefined;
    },
  });

  const bfdNames = new Set((objects.bfdProfiles ?? []).map((b) => b.metadata.name));
  const peers = resolveKind({
    kind: 'BGPPeer',
    current: objects.bgpPeers ?? [],
    previous: prev.bgpPeers,
    evaluate: (peer) => {
      const r = checkPeer(peer);
      const profile = r.config?.bfdProfile;
      if (profile !== undefined && !bfd.accepted.has(profile)) {
        r.findings.add(
          'spec.bfdProfile',
          'missingBFDProfile',
          `BFDProfile "${profile}" ${bfdNames.has(profile) ? 'is not valid' : 'does not exist'}`,
        );
        return { findings: r.findings };
      }
      return r;
    },
    conflict: (candidate, accepted) => {
      const c = candidate.config;
      const same = accepted.find(
        (a) =>
          a.config.peerAddress.equals(c.peerAddress) &&
          a.config.peerPort === c.peerPort &&
          canonicalJson(a.config.nodeSelectors) === canonicalJson(c.nodeSelectors),
      );
      return same
        ? {
            field: 'spec.peerAddress',
            reason: 'duplicatePeer',
            message: `BGPPeer "${same.config.name}" already peers with ${c.peerAddress} port ${c.peerPort} from the same nodes`,
          }
        : undefined;
    },
  });

  const poolNames = new Set((objects.ipAddressPools ?? []).map((p) => p.metadata.name));
  const peerNames = new Set((objects.bgpPeers ?? []).map((p) => p.metadata.name));
  const bgpAds = resolveKind({
    kind: 'BGPAdvertisement',
    current: objects.bgpAdvertisements ?? [],
    previous: prev.bgpAdvertisements,
    evaluate: (ad) => {
      const r = checkBgpAdvertisement(ad);
      const { findings, spec } = r;
      if (!spec) return { findings };
      const adPools = resolvePools(spec, pools.accepted, poolNames, findings);
      const adPeers: string[] = [];
      if ((spec.peers ?? []).length === 0) adPeers.push(...peers.accepted.keys());
      (spec.peers ?? []).forEach((name, i) => {
        if (peers.accepted.has(name)) adPeers.push(name);
        else
          findings.add(
            `spec.peers[${i}]`,
            'missingPeer',
            `BGPPeer "${name}" ${peerNames.has(name) ? 'is not valid' : 'does not exist'}`,
          );
      });
      const v4 = spec.aggregationLength ?? 32;
      const v6 = spec.aggregationLengthV6 ?? 128;
      for (const name of adPools) {
        const shortest = pools.accepted
          .get(name)!
          .config.prefixes.find((p) => p.length > (p.family === 4 ? v4 : v6));
        if (shortest)
          findings.add(
            shortest.family === 4 ? 'spec.aggregationLength' : 'spec.aggregationLengthV6',
            'aggregationLengthTooShort',
            `aggregation length ${shortest.family === 4 ? v4 : v6} is shorter than ${shortest} of IPAddressPool "${name}": ` +
              'the aggregate would cover addresses outside the pool',
          );
      }
      if (spec.localPref !== undefined) {
        const ebgp = adPeers.filter((n) => peers.accepted.get(n)!.config.external);
        if (ebgp.length > 0)
          findings.add(
            'spec.localPref',
            'localPrefOnEBGP',
            `localPref is not sent to eBGP peers: ${ebgp.map((n) => `"${n}"`).join(', ')}`,
          );
      }
      if (findings.hasErrors) return { findings };
      const config: BgpAdvertisementConfig = {
        name: ad.metadata.name,
        pools: adPools,
        peers: adPeers.sort(),
        aggregationLength: v4,
        aggregationLengthV6: v6,
        ...(spec.localPref !== undefined ? { localPref: spec.localPref } : {}),
        communities: [...new Set(r.communities)],
        largeCommunities: r.largeCommunities ?? [],
        nodeSelectors: spec.nodeSelectors ?? [],
        serviceSelectors: spec.serviceSelectors ?? [],
      };
      return { findings, config };
    },
    conflict: (candidate, accepted) => {
      const c = candidate.config;
      if (c.localPref === undefined) return undefined;
      for (const a of accepted) {
        const o = a.config;
        if (o.localPref === undefined || o.localPref === c.localPref) continue;
        const pool = c.pools.find((p) => o.pools.includes(p));
        const peer = c.peers.find((p) => o.peers.includes(p));
        if (pool !== undefined && peer !== undefined && nodeScopesOverlap(c.nodeSelectors, o.nodeSelectors))
          return {
            field: 'spec.localPref',
            reason: 'localPrefConflict',
            message:
              `localPref ${c.localPref} conflicts with localPref ${o.localPref} of BGPAdvertisement "${o.name}" ` +
              `for IPAddressPool "${pool}" and BGPPeer "${peer}"`,
          };
      }
      return undefined;
    },
  });

  const l2Ads = resolveKind({
    kind: 'L2Advertisement',
    current: objects.l2Advertisements ?? [],
    previous: prev.l2Advertisements,
    evaluate: (ad) => {
      const { findings, spec } = checkL2Advertisement(ad);
      if (!spec) return { findings };
      const adPools = resolvePools(spec, pools.accepted, poolNames, findings);
      if (findings.hasErrors) return { findings };
      const config: L2AdvertisementConfig = {
        name: ad.metadata.name,
        pools: adPools,
        nodeSelectors: spec.nodeSelectors ?? [],
        preferredNodes: (spec.preferredNodeSelectors ?? []).map((p) => ({
          weight: p.weight,
          preference: p.preference,
        })),
        interfaces: spec.interfaces ?? [],
        serviceSelectors: spec.serviceSelectors ?? [],
      };
      return { findings, config };
    },
  });

  const statuses = [
    ...pools.statuses,
    ...l2Ads.statuses,
    ...peers.statuses,
    ...bgpAds.statuses,
    ...bfd.statuses,
  ];
  return {
    config: {
      ipAddressPools: pools.accepted,
      bgpPeers: peers.accepted,
      bgpAdvertisements: bgpAds.accepted,
      l2Advertisements: l2Ads.accepted,
      bfdProfiles: bfd.accepted,
    },
    problems: statuses.flatMap((s) => s.problems),
    objects: statuses,
  };
}

/** The speaker's view of the configuration in effect. */
export function toSpeakerConfig(config: EffectiveConfig): SpeakerConfig {
  const configs = <C>(m: ReadonlyMap<string, { config: C }>): C[] => [...m.values()].map((a) => a.config);
  return {
    pools: configs(config.ipAddressPools),
    bgpPeers: configs(config.bgpPeers),
    bgpAdvertisements: configs(config.bgpAdvertisements),
    l2Advertisements: configs(config.l2Advertisements),
    bfdProfiles: configs(config.bfdProfiles),
  };
}
