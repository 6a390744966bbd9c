// The names the controller reads and writes on Services: annotations (with the MetalLB
// spellings accepted as aliases), the condition type, Event reasons and the default load
// balancer class. They are API: users, dashboards and tests match on them.

/** The `spec.loadBalancerClass` IronLB answers to by default (besides Services without a class). */
export const DEFAULT_LB_CLASS = 'ironlb.io/ironlb';

/** Annotations read from Services. */
export const InputAnnotation = {
  /** Comma-separated requested addresses, at most one per family. */
  loadBalancerIPs: 'ironlb.io/loadBalancerIPs',
  /** Allocate from this pool only. */
  addressPool: 'ironlb.io/address-pool',
  /** Sharing key: Services with the same key may share an address. */
  allowSharedIP: 'ironlb.io/allow-shared-ip',
} as const;
export type InputAnnotation = (typeof InputAnnotation)[keyof typeof InputAnnotation];

/** Older spellings accepted for each input annotation, in order of preference. */
export const annotationAliases: Readonly<Record<InputAnnotation, readonly string[]>> = {
  [InputAnnotation.loadBalancerIPs]: ['metallb.io/loadBalancerIPs', 'metallb.universe.tf/loadBalancerIPs'],
  [InputAnnotation.addressPool]: ['metallb.io/address-pool', 'metallb.universe.tf/address-pool'],
  [InputAnnotation.allowSharedIP]: ['metallb.io/allow-shared-ip', 'metallb.universe.tf/allow-shared-ip'],
};

/** Written by the controller: the pool the Service's addresses come from (informational). */
export const ALLOCATED_FROM_POOL = 'ironlb.io/ip-allocated-from-pool';

/** The Service condition the controller owns. */
export const ADDRESS_ALLOCATED = 'ironlb.io/AddressAllocated';

/** Reason of `AddressAllocated=True`. `False` carries the allocator's reason (e.g. `poolExhausted`). */
export const ALLOCATED_REASON = 'allocated';

/** Reasons of the Events the controller records on Services. */
export const ServiceEvent = {
  /** Normal: the Service got addresses (first ones, or new ones). */
  IPAllocated: 'IPAllocated',
  /** Normal: the Service no longer has some addresses (type changed, moved, sharing conflict). */
  IPReleased: 'IPReleased',
  /** Warning: the Service's request cannot be met now; the message starts with the allocator's reason. */
  AllocationFailed: 'AllocationFailed',
  /** Warning: the Service's addresses are no longer covered by a pool that admits it; it keeps them. */
  AddressOrphaned: 'AddressOrphaned',
  /** Normal, once per Service: a `metallb.io/` annotation was used; the message names the IronLB one. */
  DeprecatedAnnotation: 'DeprecatedAnnotation',
} as const;
export type ServiceEvent = (typeof ServiceEvent)[keyof typeof ServiceEvent];

/** Condition type on configuration objects. */
export const VALID = 'Valid';
