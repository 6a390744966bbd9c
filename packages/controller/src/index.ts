// Public surface of @ironlb/controller: the IP allocation controller.
export { Controller } from './controller.js';
export type { ControllerOptions } from './controller.js';
export {
  ADDRESS_ALLOCATED,
  ALLOCATED_FROM_POOL,
  ALLOCATED_REASON,
  DEFAULT_LB_CLASS,
  InputAnnotation,
  ServiceEvent,
  VALID,
  annotationAliases,
} from './api-names.js';
export { AllocationState } from './allocation-state.js';
export type { Claim, OrphanPolicy } from './allocation-state.js';
export { reconcileService, wantsChange } from './reconcile-service.js';
export type { ReconcileResult, ServiceOutcome } from './reconcile-service.js';
export { defaultClassFilter, isHandled, readService, serviceKey, statusIPs } from './service-adapter.js';
export type { ClassFilter, HandledService, IgnoredService, ServiceView } from './service-adapter.js';
export { conditionFor, serviceEvents, serviceWrite } from './service-status.js';
export { ConfigState, problemEvents, validCondition } from './config-state.js';
export { configResources } from './resources.js';
export type { Namespace, Service } from './service-types.js';
export {
  MEMBERSHIP_KEY_BYTES,
  MEMBERSHIP_SECRET,
  MEMBERSHIP_SECRET_KEY,
  ensureMembershipSecret,
  startMembershipSecretTask,
} from './membership-secret.js';
export type { MembershipSecretOptions, MembershipSecretOutcome } from './membership-secret.js';
