// Built-in kinds outside core/v1: discovery.k8s.io EndpointSlice, coordination.k8s.io Lease,
// events.k8s.io Event, and the rbac.authorization.k8s.io kinds.
import type { FieldError } from '../errors.js';
import { getPath, isObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import { listOf, typeFields } from '../schema/known-fields.js';
import { familyOf } from './ip-range.js';
import { checkMicroTimes } from './micro-time.js';
import type { ResourceType } from './resource-type.js';
import { baseStrategy, defineType } from './resource-type.js';

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];

function validateSlice(obj: KObject, old: KObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const at = obj.addressType;
  if (at === undefined) errs.push({ type: 'Required', field: 'addressType' });
  else if (!ADDRESS_TYPES.includes(at as string))
    errs.push({ type: 'NotSupported', field: 'addressType', value: at, supported: ADDRESS_TYPES });
  if (old && old.addressType !== at)
    errs.push({ type: 'Invalid', field: 'addressType', value: at, detail: 'field is immutable' });
  const eps = Array.isArray(obj.endpoints) ? obj.endpoints : [];
  eps.forEach((ep, i) => {
    const addrs = isObject(ep) && Array.isArray(ep.addresses) ? ep.addresses : [];
    if (addrs.length < 1 || addrs.length > 100)
      errs.push({
        type: 'Invalid',
        field: `endpoints[${i}].addresses`,
        value: addrs.length,
        detail: 'must have at least 1 address and at most 100',
      });
    addrs.forEach((a, j) => {
      if ((at === 'IPv4' || at === 'IPv6') && familyOf(String(a)) !== at)
        errs.push({
          type: 'Invalid',
          field: `endpoints[${i}].addresses[${j}]`,
          value: a,
          detail: `must be a valid ${at} address`,
        });
    });
  });
  return errs;
}

export const endpointSliceType: ResourceType = defineType({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  statusSubresource: false,
  strategy: baseStrategy({
    generation: 'nonMetadata',
    validate: validateSlice,
    fields: {},
    known: typeFields({
      addressType: true,
      endpoints: listOf({
        addresses: true,
        conditions: { ready: true, serving: true, terminating: true },
        hostname: true,
        targetRef: true,
        deprecatedTopology: true,
        nodeName: true,
        zone: true,
        hints: true,
      }),
      ports: listOf({ name: true, protocol: true, port: true, appProtocol: true }),
    }),
  }),
});

export const leaseType: ResourceType = defineType({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  statusSubresource: false,
  strategy: baseStrategy({
    allowCreateOnUpdate: true,
    allowUnconditionalUpdate: false,
    decode(obj, rt) {
      checkMicroTimes(obj, rt, [
        ['spec', 'acquireTime'],
        ['spec', 'renewTime'],
      ]);
    },
    validate(obj) {
      const d = getPath(obj, ['spec', 'leaseDurationSeconds']);
      return typeof d === 'number' && d <= 0
        ? [
            {
              type: 'Invalid',
              field: 'spec.leaseDurationSeconds',
              value: d,
              detail: 'must be greater than 0',
            },
          ]
        : [];
    },
    known: typeFields({
      spec: {
        holderIdentity: true,
        leaseDurationSeconds: true,
        acquireTime: true,
        renewTime: true,
        leaseTransitions: true,
        strategy: true,
        preferredHolder: true,
      },
    }),
  }),
});

export const eventsV1Type: ResourceType = defineType({
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  statusSubresource: false,
  strategy: baseStrategy({
    allowCreateOnUpdate: true,
    decode(obj, rt) {
      checkMicroTimes(obj, rt, [['eventTime'], ['series', 'lastObservedTime']]);
    },
    validate(obj) {
      const errs: FieldError[] = [];
      if (obj.eventTime === undefined || obj.eventTime === null)
        errs.push({ type: 'Required', field: 'eventTime' });
      if (!obj.reportingController) errs.push({ type: 'Required', field: 'reportingController' });
      if (obj.type !== 'Normal' && obj.type !== 'Warning')
        errs.push({
          type: 'NotSupported',
          field: 'type',
          value: obj.type ?? '',
          supported: ['Normal', 'Warning'],
        });
      return errs;
    },
  }),
});

function rbacType(kind: string, plural: string, namespaced: boolean, binding: boolean): ResourceType {
  return defineType({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    statusSubresource: false,
    strategy: baseStrategy({
      allowCreateOnUpdate: true,
      nameRule: 'pathSegment',
      validate(obj, old) {
        if (!binding) return [];
        const errs: FieldError[] = [];
        if (!isObject(obj.roleRef)) errs.push({ type: 'Required', field: 'roleRef' });
        else if (old && JSON.stringify(old.roleRef) !== JSON.stringify(obj.roleRef))
          errs.push({
            type: 'Invalid',
            field: 'roleRef',
            value: obj.roleRef,
            detail: 'cannot change roleRef',
          });
        return errs;
      },
      known: binding
        ? typeFields({
            subjects: listOf({ kind: true, apiGroup: true, name: true, namespace: true }),
            roleRef: true,
          })
        : typeFields({
            rules: listOf({
              verbs: true,
              apiGroups: true,
              resources: true,
              resourceNames: true,
              nonResourceURLs: true,
            }),
            aggregationRule: true,
          }),
    }),
  });
}

export const roleType = rbacType('Role', 'roles', true, false);
export const clusterRoleType = rbacType('ClusterRole', 'clusterroles', false, false);
export const roleBindingType = rbacType('RoleBinding', 'rolebindings', true, true);
export const clusterRoleBindingType = rbacType('ClusterRoleBinding', 'clusterrolebindings', false, true);
