// The slices of Kubernetes objects the speaker reads (Service, Node, EndpointSlice), as the
// API server sends them in JSON, and their conversion to the planner's plain views. Only the
// fields used are typed; everything else passes through untouched.
import { IPAddress } from '@ironlb/netaddr';
import { EXCLUDE_LABEL, SERVICE_NAME_LABEL, type NodeView, type ServiceView } from './model.js';

interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
}

export interface ServiceObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Meta;
  spec?: {
    type?: string;
    loadBalancerClass?: string;
    externalTrafficPolicy?: string;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface NodeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Meta;
  status?: {
    conditions?: { type?: string; status?: string }[];
    addresses?: { type?: string; address?: string }[];
  };
}

export interface EndpointSliceObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Meta;
  addressType?: string;
  endpoints?: {
    addresses?: string[];
    conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
    nodeName?: string;
  }[];
}

/** Which Services are ours: the same rule as the controller's (`--lb-class`, `--unclassed`). */
export interface ServiceFilter {
  /** The `spec.loadBalancerClass` answered (the controller's default is `ironlb.io/ironlb`). */
  readonly lbClass: string;
  /** Whether Services without a class are ours too (true with the default class). */
  readonly unclassed: boolean;
}

/** The load balancer class IronLB answers to by default (the controller's `DEFAULT_LB_CLASS`). */
export const DEFAULT_LB_CLASS = 'ironlb.io/ironlb';

/** The canonical text of an IP address, or undefined when it is not one. */
export function canonicalIp(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const parsed = IPAddress.tryParse(text);
  return parsed.ok ? parsed.value.toString() : undefined;
}

/**
 * The Service as the planner sees it, or undefined when the speaker has nothing to do with it:
 * not `type: LoadBalancer`, another load balancer class, being deleted, or no address assigned.
 */
export function toServiceView(svc: ServiceObject, filter: ServiceFilter): ServiceView | undefined {
  const name = svc.metadata?.name;
  const namespace = svc.metadata?.namespace;
  if (!name || !namespace) return undefined;
  if (svc.spec?.type !== 'LoadBalancer') return undefined;
  const lbClass = svc.spec.loadBalancerClass;
  if (lbClass === undefined || lbClass === '' ? !filter.unclassed : lbClass !== filter.lbClass)
    return undefined;
  if (svc.metadata?.deletionTimestamp) return undefined;
  const ips: string[] = [];
  for (const ingress of svc.status?.loadBalancer?.ingress ?? []) {
    const ip = canonicalIp(ingress.ip);
    if (ip !== undefined && !ips.includes(ip)) ips.push(ip);
  }
  if (ips.length === 0) return undefined;
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    ...(svc.metadata?.uid ? { uid: svc.metadata.uid } : {}),
    ips,
    labels: svc.metadata?.labels ?? {},
    externalTrafficPolicy: svc.spec.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
  };
}

function conditionTrue(node: NodeObject, type: string): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export function toNodeView(node: NodeObject): NodeView | undefined {
  const name = node.metadata?.name;
  if (!name) return undefined;
  const labels = node.metadata?.labels ?? {};
  const addresses: { ipv4?: string; ipv6?: string } = {};
  for (const type of ['InternalIP', 'ExternalIP']) {
    for (const a of node.status?.addresses ?? []) {
      if (a.type !== type) continue;
      const ip = canonicalIp(a.address);
      if (ip === undefined) continue;
      if (ip.includes(':')) addresses.ipv6 ??= ip;
      else addresses.ipv4 ??= ip;
    }
  }
  return {
    name,
    ...(node.metadata?.uid ? { uid: node.metadata.uid } : {}),
    labels,
    ready: conditionTrue(node, 'Ready'),
    networkUnavailable: conditionTrue(node, 'NetworkUnavailable'),
    excluded: Object.hasOwn(labels, EXCLUDE_LABEL),
    addresses,
  };
}

/** Whether two views differ in anything that decides eligibility or ranking. */
export function nodeViewsDiffer(a: NodeView | undefined, b: NodeView | undefined): boolean {
  if (a === undefined || b === undefined) return a !== b;
  if (a.ready !== b.ready || a.networkUnavailable !== b.networkUnavailable || a.excluded !== b.excluded)
    return true;
  const ka = Object.keys(a.labels);
  if (ka.length !== Object.keys(b.labels).length) return true;
  return ka.some((k) => a.labels[k] !== b.labels[k]);
}

/** One EndpointSlice reduced to its Service and where its endpoints can serve. */
export interface SliceView {
  /** `namespace/name` of the slice. */
  readonly key: string;
  /** `namespace/name` of the Service, from the `kubernetes.io/service-name` label. */
  readonly service: string | undefined;
  readonly anyServing: boolean;
  readonly servingNodes: readonly string[];
}

/**
 * Kubernetes' rule (as MetalLB's `EndpointCanServe`): an endpoint can serve when `ready` is
 * unset or true, or when `serving` is true (a terminating endpoint still draining).
 */
export function endpointCanServe(
  conditions: { ready?: boolean | null; serving?: boolean | null } | undefined,
): boolean {
  const ready = conditions?.ready;
  return ready === undefined || ready === null || ready === true || conditions?.serving === true;
}

export function toSliceView(slice: EndpointSliceObject): SliceView | undefined {
  const name = slice.metadata?.name;
  const namespace = slice.metadata?.namespace;
  if (!name || !namespace) return undefined;
  const serviceName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  const nodes = new Set<string>();
  let anyServing = false;
  for (const e of slice.endpoints ?? []) {
    if ((e.addresses ?? []).length === 0 || !endpointCanServe(e.conditions)) continue;
    anyServing = true;
    if (e.nodeName) nodes.add(e.nodeName);
  }
  return {
    key: `${namespace}/${name}`,
    service: serviceName ? `${namespace}/${serviceName}` : undefined,
    anyServing,
    servingNodes: [...nodes].sort(),
  };
}
