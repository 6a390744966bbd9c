// What the planner reads, as plain values with no Kubernetes wrapping: Services with their
// assigned addresses, where their endpoints can serve, the Nodes, and which speakers are up.
// `kube-objects.ts` converts the API's JSON into these.

/** A LoadBalancer Service of ours with addresses assigned by the controller. */
export interface ServiceView {
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  /** `status.loadBalancer.ingress[].ip`, canonical text (RFC 5952 for IPv6), no duplicates. */
  readonly ips: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** `Local`: only nodes with a serving endpoint of this Service may announce it. */
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
}

/** Where a Service's endpoints can serve (from its EndpointSlices). */
export interface ServiceEndpoints {
  /** Some endpoint is ready or serving, on any node or none. */
  readonly anyServing: boolean;
  /** Nodes hosting at least one ready or serving endpoint. */
  readonly servingNodes: ReadonlySet<string>;
}

/** A Node, reduced to what decides whether it may announce. */
export interface NodeView {
  readonly name: string;
  readonly uid?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Condition `Ready` is `True`. */
  readonly ready: boolean;
  /** Condition `NetworkUnavailable` is `True`. */
  readonly networkUnavailable: boolean;
  /** Carries `node.kubernetes.io/exclude-from-external-load-balancers`. */
  readonly excluded: boolean;
  /** `status.addresses` of type InternalIP (then ExternalIP), one per family at most. */
  readonly addresses: { readonly ipv4?: string; readonly ipv6?: string };
}

/** The label that takes a node out of every load balancer (any value). */
export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

/** The EndpointSlice label naming its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
