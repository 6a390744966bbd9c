// Who announces a Service's addresses and why those nodes: for every node, the decision the
// speaker on that node computes (@ironlb/speaker planAnnouncements: eligibility, then the
// layer-2 election ranking and owner, and BGP advertisement), fed with the same objects the
// speakers watch and the membership view a speaker reported; next to what the speakers say
// they announce (SpeakerStatus). Pure.
import type { Service } from '@ironlb/controller';
import {
  DEFAULT_LB_CLASS,
  planAnnouncements,
  toNodeView,
  toServiceView,
  toSliceView,
  type L2Reason,
  type NodeView,
  type ServiceView,
  type SliceView,
} from '@ironlb/speaker';
import { ingressIPs, serviceKeyOf, type AnnouncedBy, type ClusterModel } from '../cluster/cluster-model.js';

export interface NodeDecision {
  readonly node: string;
  /** 1-based place in the layer-2 ranking of eligible nodes, when eligible. */
  readonly rank?: number;
  /** Layer 2: `owner`, `notOwner`, or why not eligible (`nodeNotReady`, `noEndpointsOnNode`, ...). */
  readonly layer2: L2Reason | 'notCovered';
  /** BGP: `advertised`, or why not. */
  readonly bgp: string;
  readonly speakerAlive: boolean;
}

export interface AddressAnnouncement {
  readonly ip: string;
  readonly electionKey?: string;
  /** The elected layer-2 owner, as every speaker computes it. */
  readonly owner?: string;
  readonly nodes: NodeDecision[];
  /** What the speakers report (SpeakerStatus). */
  readonly reported: readonly AnnouncedBy[];
}

export interface AnnouncementExplanation {
  readonly modes: readonly ('layer2' | 'bgp')[];
  readonly l2Advertisements: readonly string[];
  readonly bgpAdvertisements: readonly string[];
  readonly membership: { readonly source?: string; readonly alive: readonly string[] };
  readonly addresses: AddressAnnouncement[];
}

export function explainAnnouncement(model: ClusterModel, svc: Service): AnnouncementExplanation {
  const ips = ingressIPs(svc);
  const { snapshot, built } = model;
  const poolOf = svc.metadata.annotations?.['ironlb.io/ip-allocated-from-pool'];
  const l2Advertisements = [...built.config.l2Advertisements.values()]
    .filter((a) => poolOf !== undefined && a.config.pools.includes(poolOf))
    .map((a) => a.config.name);
  const bgpAdvertisements = [...built.config.bgpAdvertisements.values()]
    .filter((a) => poolOf !== undefined && a.config.pools.includes(poolOf))
    .map((a) => a.config.name);
  const filter = { lbClass: DEFAULT_LB_CLASS, unclassed: true };
  // Only the Services on these addresses (sharing) matter for their election.
  const services: ServiceView[] = snapshot.services
    .filter((s) => ingressIPs(s).some((ip) => ips.includes(ip)))
    .map((s) => toServiceView(s, filter))
    .filter((v): v is ServiceView => v !== undefined);
  const keys = new Set(services.map((s) => s.key));
  const slices: SliceView[] = snapshot.endpointSlices
    .map((s) => toSliceView(s))
    .filter((v): v is SliceView => v !== undefined && v.service !== undefined && keys.has(v.service));
  const nodes: NodeView[] = snapshot.nodes
    .map((n) => toNodeView(n))
    .filter((v): v is NodeView => v !== undefined);
  const alive = [...model.aliveSpeakers].sort();

  const perNode = nodes.map((node) => {
    const plan = planAnnouncements({
      self: node.name,
      config: model.speakerConfig,
      services,
      slices,
      nodes,
      membersUp: alive.filter((n) => n !== node.name),
    });
    return { node: node.name, planner: plan.planner };
  });
  const addresses = ips.map((ip): AddressAnnouncement => {
    const decisions = perNode.map(({ node, planner }) => ({ node, d: planner.decision(ip) }));
    const first = decisions.find((x) => x.d)?.d;
    const ranking = first?.l2.ranking ?? [];
    return {
      ip,
      ...(first ? { electionKey: first.electionKey } : {}),
      ...(first?.l2.owner ? { owner: first.l2.owner } : {}),
      nodes: decisions
        .map(({ node, d }) => {
          const rank = ranking.indexOf(node);
          return {
            node,
            ...(rank >= 0 ? { rank: rank + 1 } : {}),
            layer2: l2Advertisements.length === 0 ? ('notCovered' as const) : (d?.l2.reason ?? 'noPool'),
            bgp: bgpAdvertisements.length === 0 ? 'notCovered' : (d?.bgp.reason ?? 'noPool'),
            speakerAlive: model.aliveSpeakers.has(node),
          };
        })
        .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.node.localeCompare(b.node)),
      reported: model.announcements.get(ip) ?? [],
    };
  });
  return {
    modes: model.poolModes.get(poolOf ?? '') ?? [],
    l2Advertisements,
    bgpAdvertisements,
    membership: { ...(model.membershipSource ? { source: model.membershipSource } : {}), alive },
    addresses,
  };
}

export { serviceKeyOf };
