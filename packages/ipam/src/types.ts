// The plain data the allocator takes and returns. No Kubernetes types: the controller maps a
// Service to an AllocationRequest, and `@ironlb/config` maps an IPAddressPool to a Pool.
import type { IPAddress, IPFamily } from '@ironlb/netaddr';

/** A Kubernetes-style label selector; an empty selector matches everything. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/** Which Services may use a pool, and in which order scoped pools are tried. */
export interface ServiceAllocation {
  /** Lower is tried first; pools without a priority come after those with one. */
  readonly priority?: number;
  /** The Service's namespace must be one of these, or match `namespaceSelectors` (when either is set). */
  readonly namespaces?: readonly string[];
  readonly namespaceSelectors?: readonly LabelSelector[];
  /** The Service's labels must match one of these (when set). */
  readonly serviceSelectors?: readonly LabelSelector[];
}

/** An address pool (the spec of an IPAddressPool). */
export interface Pool {
  /** Unique, non-empty. */
  readonly name: string;
  /** CIDRs (`192.0.2.0/24`), ranges (`192.0.2.10-192.0.2.20`) and single addresses, both families. */
  readonly addresses: readonly string[];
  /** Hand out addresses to Services that did not ask for this pool. Default true. */
  readonly autoAssign?: boolean;
  /** Never hand out IPv4 addresses ending in .0 or .255. Default false. */
  readonly avoidBuggyIPs?: boolean;
  /** Addresses of the pool that are never handed out, same syntax as `addresses`. */
  readonly reservedAddresses?: readonly string[];
  /** When set (even empty) the pool is scoped: tried before unscoped pools, for admitted Services only. */
  readonly serviceAllocation?: ServiceAllocation;
}

export type IPFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

export interface ServicePort {
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly port: number;
}

/** What the allocator knows about a Service, for scope and sharing decisions. */
export interface ServiceInfo {
  /** Unique key, conventionally `namespace/name`. */
  readonly serviceKey: string;
  readonly namespace: string;
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  readonly serviceLabels?: Readonly<Record<string, string>>;
  readonly ports?: readonly ServicePort[];
  /** Services with the same sharing key may share an address (the allow-shared-ip annotation). */
  readonly sharingKey?: string;
  /** Services sharing an address must have the same backend key (selector, for externalTrafficPolicy Local). */
  readonly backendKey?: string;
  /**
   * When the Service was created (e.g. creationTimestamp in ms). Decides conflicts between
   * restored allocations: the earlier one keeps the address. Missing means "newest"; ties are
   * broken by serviceKey.
   */
  readonly createdAt?: number;
}

/** A request for addresses for a Service. */
export interface AllocationRequest extends ServiceInfo {
  /** 0-2 addresses, at most one per family (spec.loadBalancerIP / the loadBalancerIPs annotation). */
  readonly requestedIPs?: readonly string[];
  /** Allocate from this pool only (the address-pool annotation). */
  readonly pool?: string;
  /** Default SingleStack. */
  readonly ipFamilyPolicy?: IPFamilyPolicy;
  /** The family of spec.ipFamilies[0]; default 4. */
  readonly primaryFamily?: IPFamily;
}

/** An allocation read back from a Service (its status), to re-register with `assign`. */
export interface ExistingAllocation extends ServiceInfo {
  /** 1-2 addresses, at most one per family. */
  readonly ips: readonly string[];
  /** When given, the addresses must be in this pool. */
  readonly pool?: string;
}

/** The addresses a Service holds. */
export interface Allocation {
  readonly serviceKey: string;
  readonly pool: string;
  /** Primary family first for allocations, in the given order for restored ones. */
  readonly ips: readonly IPAddress[];
}

/** A Service whose allocation was taken away by an older claim, or could not be honoured. */
export interface Displaced {
  readonly serviceKey: string;
  readonly ips: readonly IPAddress[];
  readonly reason: string;
  readonly detail: string;
}

export interface FamilyCounters {
  /** Addresses held by at least one Service. */
  readonly assigned: bigint;
  /** Usable addresses not held (reserved and avoided addresses are not counted). */
  readonly available: bigint;
}

export interface PoolCounters {
  readonly ipv4: FamilyCounters;
  readonly ipv6: FamilyCounters;
}
