// Every built-in kind the emulator serves.
import {
  configMapType,
  endpointsType,
  eventType,
  namespaceType,
  nodeType,
  podType,
  secretType,
  serviceAccountType,
} from './core-types.js';
import { crdType } from './crd.js';
import {
  clusterRoleBindingType,
  clusterRoleType,
  endpointSliceType,
  eventsV1Type,
  leaseType,
  roleBindingType,
  roleType,
} from './group-types.js';
import type { ResourceType } from './resource-type.js';
import { baseStrategy, defineType } from './resource-type.js';
import { serviceType } from './service.js';
import { workloadTypes } from './workload-types.js';

export const builtinTypes: readonly ResourceType[] = [
  namespaceType,
  serviceType,
  endpointsType,
  nodeType,
  podType,
  secretType,
  configMapType,
  eventType,
  serviceAccountType,
  endpointSliceType,
  leaseType,
  eventsV1Type,
  crdType,
  roleType,
  clusterRoleType,
  roleBindingType,
  clusterRoleBindingType,
  ...workloadTypes,
];

/** Create-only review kinds: evaluated by the access-review handler, never stored. */
export const reviewTypes: readonly ResourceType[] = [
  review('authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false),
  review('authorization.k8s.io', 'SubjectAccessReview', 'subjectaccessreviews', false),
  review('authorization.k8s.io', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true),
  review('authorization.k8s.io', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false),
  review('authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews', false),
];

function review(group: string, kind: string, plural: string, namespaced: boolean): ResourceType {
  return defineType({
    group,
    version: 'v1',
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    statusSubresource: false,
    verbs: ['create'],
    strategy: baseStrategy(),
  });
}
