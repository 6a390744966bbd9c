// Public surface of @ironlb/ipam: the IP address allocator. Pure: no I/O, no Kubernetes types.
export {
  Allocator,
  type AllocatorOptions,
  type AllocateResult,
  type AssignResult,
  type Effect,
  type PendingInfo,
  type ReleaseResult,
  type Remapped,
  type SetPoolsResult,
} from './allocator.js';
export { AllocationReason, PoolSetReason, type Failure } from './reasons.js';
export { matchesSelector } from './label-selector.js';
export type {
  Allocation,
  AllocationRequest,
  Displaced,
  ExistingAllocation,
  FamilyCounters,
  IPFamilyPolicy,
  LabelSelector,
  LabelSelectorRequirement,
  Pool,
  PoolCounters,
  ServiceAllocation,
  ServiceInfo,
  ServicePort,
} from './types.js';
