// Public surface of @ironlb/kube: a small, generic controller runtime over
// @kubernetes/client-node. It knows nothing about IPs or BGP.
export { HttpKubeApi, PatchType } from './api-client.js';
export type { ApiRequest, HttpKubeApiOptions, KubeApi } from './api-client.js';
export { kubeTime, microTime, sleep, systemClock } from './clock.js';
export type { Clock, Timer } from './clock.js';
export { findCondition, removeCondition, setCondition } from './conditions.js';
export type { Condition, ConditionInput } from './conditions.js';
export {
  KubeApiError,
  KubeErrorCode,
  KubeOptionError,
  KubeTransportError,
  isAlreadyExists,
  isConflict,
  isKubeApiError,
  isNotFound,
  isTransient,
} from './errors.js';
export { ApiEventRecorder } from './event-recorder.js';
export type { ApiEventRecorderOptions, EventInput, EventRecorder, EventReference } from './event-recorder.js';
export { HealthChecks, parseListenAddress, startHealthServer } from './health-server.js';
export type { HealthCheck, HealthServer, HealthServerOptions } from './health-server.js';
export { ApiInformer } from './informer.js';
export type { Informer, InformerHandlers, InformerOptions } from './informer.js';
export { InformerSet } from './informer-set.js';
export type { InformerSetOptions } from './informer-set.js';
export { SimpleClusterAccess } from './cluster-access.js';
export type { ClusterAccess, ClusterEndpoint } from './cluster-access.js';
export { loadClusterAccess, loadKubeConfig } from './kube-config.js';
export { AlwaysLeader } from './leader-election/always-leader.js';
export { ApiLeaseClient } from './leader-election/lease-client.js';
export type { Lease, LeaseClient, LeaseSpec } from './leader-election/lease-client.js';
export { LeaseLeaderElector } from './leader-election/lease-elector.js';
export type { LeaseElectorOptions } from './leader-election/lease-elector.js';
export type { LeaderElector } from './leader-election/types.js';
export { createRuntimeMetrics } from './metrics.js';
export type { RuntimeMetrics } from './metrics.js';
export { PerKeyBackoff, TokenBucket } from './rate-limit.js';
export type { BackoffOptions } from './rate-limit.js';
export {
  apiVersionOf,
  coreResources,
  customResource,
  objectKey,
  resourcePath,
  splitKey,
} from './resource.js';
export type { KubeObject, KubeObjectMeta, PathOptions, ResourceType } from './resource.js';
export { isSatisfied } from './status-diff.js';
export { ApiStatusWriter } from './status-writer.js';
export type {
  ApiStatusWriterOptions,
  ObjectWithStatus,
  StatusTarget,
  StatusWriteOptions,
  StatusWriteResult,
  StatusWriter,
} from './status-writer.js';
export { WorkQueue, done } from './work-queue.js';
export type {
  KubeWatchApi,
  WatchEvent,
  WatchEventType,
  WatchHandle,
  WatchHandlers,
  WatchRequest,
} from './watch-stream.js';
export type { Handler, ReconcileResult, WorkQueueOptions } from './work-queue.js';
