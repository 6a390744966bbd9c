// Eligibility of one address: which nodes may announce it in layer-2 mode (with their
// preference scores and this node's interfaces), and which BGP routes this node advertises
// for it, each with the reason when this node may not. Pure: everything comes in as
// arguments; `planner.ts` calls it for the addresses a change touches.
import { matchesAnySelector, type L2AdvertisementConfig } from '@ironlb/config';
import { Prefix, type IPAddress } from '@ironlb/netaddr';
import type { BgpRoute } from './bgp-rib.js';
import type { NodeView, ServiceEndpoints, ServiceView } from './model.js';
import { nodeIneligibility, type PlannerConfig } from './planner-config.js';
import { IneligibleReason, type BgpReason } from './reasons.js';

/** An L2Advertisement that covers the address for one Service that can serve. */
export interface L2Match {
  readonly ad: L2AdvertisementConfig;
  /** `externalTrafficPolicy: Local`: the nodes with a serving endpoint; undefined: any node. */
  readonly local: ReadonlySet<string> | undefined;
}

export interface L2Evaluation {
  readonly matches: readonly L2Match[];
  /** Eligible nodes (membership aside) -> preference score. */
  readonly candidates: Map<string, number>;
  /** This node's interfaces for the address: names, or `['*']` for all. */
  readonly interfaces: readonly string[];
  /** Why this node is not a candidate; undefined when it is. */
  readonly selfReason: IneligibleReason | undefined;
}

export interface BgpEvaluation {
  readonly routes: readonly BgpRoute[];
  readonly reason: BgpReason;
}

export interface AddressContext {
  readonly self: string;
  readonly config: PlannerConfig;
  readonly selfNode: NodeView | undefined;
  readonly address: IPAddress;
  readonly pool: string | undefined;
  readonly services: readonly ServiceView[];
  readonly endpoints: readonly ServiceEndpoints[];
}

/** Whether `node` is a candidate under `matches`, and its score. */
export function candidacy(
  config: PlannerConfig,
  matches: readonly L2Match[],
  node: string,
): { candidate: boolean; score: number } {
  let candidate = false;
  const ads = new Set<string>();
  for (const m of matches) {
    ads.add(m.ad.name);
    if (!candidate && config.l2Selects(m.ad.name, node) && (!m.local || m.local.has(node))) candidate = true;
  }
  let score = 0;
  if (candidate) for (const ad of ads) score += config.l2Score(ad, node);
  return { candidate, score };
}

export function evaluateL2(ctx: AddressContext): L2Evaluation {
  const { config, self, selfNode, pool, services, endpoints } = ctx;
  const matches: L2Match[] = [];
  let anyAd = false;
  let selfSelected = false;
  if (pool !== undefined)
    services.forEach((s, i) => {
      for (const ad of config.l2Advertisements(pool)) {
        if (!matchesAnySelector(ad.serviceSelectors, s.labels)) continue;
        anyAd = true;
        if (config.l2SelectsSelf(ad, selfNode)) selfSelected = true;
        const ep = endpoints[i]!;
        if (!ep.anyServing) continue;
        matches.push({ ad, local: s.externalTrafficPolicy === 'Local' ? ep.servingNodes : undefined });
      }
    });
  const candidates = new Map<string, number>();
  const adNames = new Set<string>();
  for (const m of matches) {
    adNames.add(m.ad.name);
    for (const n of config.l2Nodes(m.ad.name)) if (!m.local || m.local.has(n)) candidates.set(n, 0);
  }
  if (adNames.size > 0)
    for (const n of candidates.keys()) {
      let score = 0;
      for (const ad of adNames) score += config.l2Score(ad, n);
      candidates.set(n, score);
    }
  const names = new Set<string>();
  let all = false;
  for (const m of matches) {
    if (!config.l2Selects(m.ad.name, self)) continue;
    if (m.ad.interfaces.length === 0) all = true;
    for (const i of m.ad.interfaces) names.add(i);
  }
  const interfaces = all || names.size === 0 ? ['*'] : [...names].sort();
  let selfReason: IneligibleReason | undefined;
  if (!candidates.has(self))
    selfReason =
      pool === undefined
        ? IneligibleReason.noPool
        : !endpoints.some((e) => e.anyServing)
          ? IneligibleReason.noServingEndpoints
          : (nodeIneligibility(selfNode) ??
            (!anyAd
              ? IneligibleReason.noAdvertisement
              : !selfSelected
                ? IneligibleReason.nodeNotSelected
                : IneligibleReason.noEndpointsOnNode));
  return { matches, candidates, interfaces, selfReason };
}

export function evaluateBgp(ctx: AddressContext): BgpEvaluation {
  const { config, self, selfNode, pool, services, endpoints, address } = ctx;
  if (pool === undefined) return { routes: [], reason: IneligibleReason.noPool };
  if (!endpoints.some((e) => e.anyServing))
    return { routes: [], reason: IneligibleReason.noServingEndpoints };
  const bad = nodeIneligibility(selfNode);
  if (bad) return { routes: [], reason: bad };
  const routes = new Map<string, BgpRoute>();
  let anyAd = false;
  let selected = false;
  let serving = false;
  services.forEach((s, i) => {
    const ep = endpoints[i]!;
    for (const ad of config.bgpAdvertisements(pool)) {
      if (!matchesAnySelector(ad.serviceSelectors, s.labels)) continue;
      anyAd = true;
      if (!config.bgpSelectsSelf(ad, selfNode)) continue;
      selected = true;
      if (!ep.anyServing) continue;
      if (s.externalTrafficPolicy === 'Local' && !ep.servingNodes.has(self)) continue;
      serving = true;
      const length = address.family === 4 ? ad.aggregationLength : ad.aggregationLengthV6;
      const prefix = Prefix.containing(address, length).toString();
      for (const peer of ad.peers) {
        if (!config.isActivePeer(peer)) continue;
        routes.set(`${peer}|${ad.name}`, {
          peer,
          prefix,
          communities: ad.communities,
          largeCommunities: ad.largeCommunities,
          ...(ad.localPref !== undefined ? { localPref: ad.localPref } : {}),
          advertisement: ad.name,
        });
      }
    }
  });
  if (routes.size > 0) return { routes: [...routes.values()], reason: 'advertised' };
  const reason = !anyAd
    ? IneligibleReason.noAdvertisement
    : !selected
      ? IneligibleReason.nodeNotSelected
      : !serving
        ? IneligibleReason.noEndpointsOnNode
        : IneligibleReason.noPeer;
  return { routes: [], reason };
}
