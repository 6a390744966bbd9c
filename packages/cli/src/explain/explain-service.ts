// `ironlb explain svc <namespace>/<name>`: the allocation and the announcement of one Service,
// and what to change when it has no address or nobody announces it. Pure.
import type { Service } from '@ironlb/controller';
import { CliError, CliErrorCode } from '../cli-error.js';
import type { ClusterModel } from '../cluster/cluster-model.js';
import { explainAllocation, type AllocationExplanation } from './explain-allocation.js';
import { explainAnnouncement, type AnnouncementExplanation } from './explain-announcement.js';

export interface Explanation {
  readonly service: {
    readonly namespace: string;
    readonly name: string;
    readonly type: string;
    readonly loadBalancerClass?: string;
    readonly externalTrafficPolicy: string;
  };
  readonly allocation: AllocationExplanation;
  readonly announcement?: AnnouncementExplanation;
  /** What to change, in order; empty when everything works. */
  readonly fixes: string[];
}

export function findService(model: ClusterModel, ref: string): Service {
  const [namespace, name] = ref.includes('/') ? ref.split('/', 2) : ['default', ref];
  const svc = model.snapshot.services.find(
    (s) => s.metadata.namespace === namespace && s.metadata.name === name,
  );
  if (!svc)
    throw new CliError(
      CliErrorCode.notFound,
      `Service ${namespace}/${name} not found (write it as <namespace>/<name>; \`kubectl get svc -A\` lists them)`,
    );
  return svc;
}

export function explainService(model: ClusterModel, svc: Service): Explanation {
  const allocation = explainAllocation(model, svc);
  const announcement = allocation.ips.length > 0 ? explainAnnouncement(model, svc) : undefined;
  return {
    service: {
      namespace: svc.metadata.namespace,
      name: svc.metadata.name,
      type: svc.spec?.type ?? 'ClusterIP',
      ...(svc.spec?.loadBalancerClass ? { loadBalancerClass: svc.spec.loadBalancerClass } : {}),
      externalTrafficPolicy: svc.spec?.externalTrafficPolicy ?? 'Cluster',
    },
    allocation,
    ...(announcement ? { announcement } : {}),
    fixes: [
      ...allocationFixes(allocation),
      ...(announcement ? announcementFixes(allocation, announcement) : []),
    ],
  };
}

/** What to do about each allocator reason (@ironlb/ipam reasons, README "Reasons"). */
const reasonFix: Record<string, (detail: string, pool?: string) => string> = {
  poolExhausted: (d) =>
    `the candidate pools are full (${d}): add addresses to a pool's spec.addresses, or delete Services that no longer need theirs`,
  noMatchingPool: () =>
    "no pool with autoAssign: true admits this Service: create an IPAddressPool, name one with the annotation ironlb.io/address-pool, or widen a pool's spec.serviceAllocation (namespaces, selectors)",
  ipNotInPool: (d) => `${d}: request an address of a pool, or add the address to a pool`,
  ipReserved: (d) =>
    `${d}: request another address (reserved addresses, and .0/.255 with avoidBuggyIPs, are never handed out)`,
  ipInUse: (d) =>
    `${d}: request another address, or share it: the same ironlb.io/allow-shared-ip value on both Services, and no common port`,
  sharingConflict: (d) =>
    `${d}: Services sharing an address need different ports, and with externalTrafficPolicy: Local the same selector`,
  familyUnavailable: (d) =>
    `${d}: add addresses of the missing family to a pool (RequireDualStack needs one pool with both families), or change spec.ipFamilies or spec.ipFamilyPolicy`,
  poolNotAllowedForNamespace: (d) =>
    `${d}: add the namespace to the pool's spec.serviceAllocation, or use another pool`,
  poolNotAllowedForService: (d) =>
    `${d}: label the Service to match the pool's serviceSelectors, or use another pool`,
  unknownPool: (d) => `${d}: fix the ironlb.io/address-pool annotation, or create that pool`,
  invalidRequest: (d) => `${d}: fix the Service`,
};

function allocationFixes(a: AllocationExplanation): string[] {
  if (!a.handled)
    return a.ignoredBecause === 'otherClass'
      ? [
          'IronLB handles Services without spec.loadBalancerClass and those with ironlb.io/ironlb: change the class (it is immutable: recreate the Service) or run the controller with --lb-class',
        ]
      : ['the Service is not of type LoadBalancer: set spec.type: LoadBalancer'];
  if (a.invalid) return [reasonFix['invalidRequest']!(a.invalid)];
  if (a.ips.length > 0) {
    // It keeps its addresses, but its request is not met (e.g. a pool named since).
    const c = a.condition;
    if (c?.status !== 'False') return [];
    const fix = reasonFix[c.reason];
    return [fix ? fix(c.message) : `${c.reason}: ${c.message}`];
  }
  if (!a.predicted) return [];
  if (a.predicted.ok)
    return [
      `${a.predicted.detail}, but the controller has not done it: check that a controller replica leads (ironlb status) and its logs`,
    ];
  const fix = reasonFix[a.predicted.reason ?? ''];
  return [fix ? fix(a.predicted.detail) : `${a.predicted.reason}: ${a.predicted.detail}`];
}

const ineligibleFix: Record<string, string> = {
  noServingEndpoints:
    'no endpoint of the Service is ready or serving: check its Pods and EndpointSlices (kubectl get endpointslices -l kubernetes.io/service-name=<name>)',
  noEndpointsOnNode:
    'externalTrafficPolicy: Local and no eligible node has a ready endpoint: schedule Pods on announcing nodes or use Cluster',
  nodeNotSelected: "the advertisements' nodeSelectors select none of the nodes: fix spec.nodeSelectors",
  nodeNotReady: 'no eligible node is Ready',
  nodeExcluded: 'every node carries node.kubernetes.io/exclude-from-external-load-balancers',
  noPeer:
    "the BGPAdvertisement's peers are not peers of any selected node: check spec.peers and the BGPPeers' nodeSelectors",
};

function announcementFixes(a: AllocationExplanation, ann: AnnouncementExplanation): string[] {
  const fixes: string[] = [];
  if (ann.modes.length === 0) {
    fixes.push(
      `no L2Advertisement or BGPAdvertisement covers pool ${a.pool ?? '(unknown)'}: create one (docs/configuration.md), or its addresses stay unannounced`,
    );
    return fixes;
  }
  for (const addr of ann.addresses) {
    const eligible = addr.nodes.filter((n) => n.rank !== undefined);
    if (ann.modes.includes('layer2')) {
      if (eligible.length === 0) {
        const reasons = [...new Set(addr.nodes.map((n) => n.layer2))];
        fixes.push(
          `${addr.ip}: no node may announce it in layer 2 (${reasons.join(', ')})${
            reasons
              .map((r) => ineligibleFix[r])
              .filter(Boolean)
              .map((f) => `: ${f}`)[0] ?? ''
          }`,
        );
      } else if (!addr.owner)
        fixes.push(
          `${addr.ip}: no eligible node's speaker is alive (${eligible.map((n) => n.node).join(', ')}): check the speakers (ironlb status)`,
        );
      else if (!addr.reported.some((r) => r.protocol === 'layer2' && r.node === addr.owner))
        fixes.push(
          `${addr.ip}: ${addr.owner} is elected but its speaker does not report announcing it yet: look at its log (event names) and SpeakerStatus`,
        );
    }
    if (ann.modes.includes('bgp')) {
      const advertising = addr.nodes.filter((n) => n.bgp === 'advertised');
      if (advertising.length === 0) {
        const reasons = [...new Set(addr.nodes.map((n) => n.bgp))];
        fixes.push(
          `${addr.ip}: no node advertises it over BGP (${reasons.join(', ')})${
            reasons
              .map((r) => ineligibleFix[r])
              .filter(Boolean)
              .map((f) => `: ${f}`)[0] ?? ''
          }`,
        );
      }
    }
  }
  return fixes;
}
