// Built-in core/v1 kinds other than Service: Namespace, Node, Pod, ConfigMap, Secret,
// Endpoints, Event, ServiceAccount. Each is a ResourceType with the strategy flags of its
// upstream `pkg/registry/core/<kind>/strategy.go`.
import type { FieldError } from '../errors.js';
import { child, getPath, isObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import { mapOf, typeFields } from '../schema/known-fields.js';
import { checkMicroTimes } from './micro-time.js';
import type { ResourceType } from './resource-type.js';
import { baseStrategy, defineType } from './resource-type.js';

const str = (path: string[]) => (o: KObject) => {
  const v = getPath(o, path);
  return v === undefined || v === null ? undefined : String(v);
};

export const namespaceType: ResourceType = defineType({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  statusSubresource: true,
  strategy: baseStrategy({
    nameRule: 'dns1123Label',
    prepareForCreate(obj) {
      const labels = (obj.metadata.labels ??= {});
      labels['kubernetes.io/metadata.name'] = obj.metadata.name!;
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
    },
    prepareForUpdate(obj, old) {
      const labels = (obj.metadata.labels ??= {});
      labels['kubernetes.io/metadata.name'] = obj.metadata.name!;
      obj.spec = old.spec;
    },
    fields: { 'status.phase': str(['status', 'phase']) },
    known: typeFields({ spec: { finalizers: true }, status: true }),
  }),
});

export const nodeType: ResourceType = defineType({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  namespaced: false,
  statusSubresource: true,
  strategy: baseStrategy({
    fields: { 'spec.unschedulable': (o) => String(getPath(o, ['spec', 'unschedulable']) ?? false) },
    smp: {
      fields: {
        spec: { fields: { podCIDRs: { primitiveMerge: true }, taints: { mergeKey: 'key' } } },
        status: { fields: { conditions: { mergeKey: 'type' }, addresses: { mergeKey: 'type' } } },
      },
    },
  }),
});

export const podType: ResourceType = defineType({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  statusSubresource: true,
  strategy: baseStrategy({
    returnDeletedObject: true,
    prepareForCreate(obj) {
      obj.status = { phase: 'Pending', ...(isObject(obj.status) ? obj.status : {}) };
    },
    fields: {
      'spec.nodeName': str(['spec', 'nodeName']),
      'spec.restartPolicy': str(['spec', 'restartPolicy']),
      'spec.schedulerName': str(['spec', 'schedulerName']),
      'spec.serviceAccountName': str(['spec', 'serviceAccountName']),
      'spec.hostNetwork': (o) => String(getPath(o, ['spec', 'hostNetwork']) ?? false),
      'status.phase': str(['status', 'phase']),
      'status.podIP': str(['status', 'podIP']),
      'status.nominatedNodeName': str(['status', 'nominatedNodeName']),
    },
    smp: {
      fields: {
        spec: {
          fields: {
            containers: {
              mergeKey: 'name',
              items: { fields: { env: { mergeKey: 'name' }, ports: { mergeKey: 'containerPort' } } },
            },
            initContainers: { mergeKey: 'name' },
            volumes: { mergeKey: 'name' },
          },
        },
        status: { fields: { conditions: { mergeKey: 'type' } } },
      },
    },
  }),
});

export const configMapType: ResourceType = defineType({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  statusSubresource: false,
  strategy: baseStrategy({
    known: typeFields({ data: mapOf(true), binaryData: mapOf(true), immutable: true }),
  }),
});

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const secretType: ResourceType = defineType({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  statusSubresource: false,
  strategy: baseStrategy({
    decode(obj) {
      // stringData is write-only: it is merged into data, base64 encoded.
      if (isObject(obj.stringData)) {
        const data = child(obj, 'data');
        for (const [k, v] of Object.entries(obj.stringData))
          data[k] = Buffer.from(String(v)).toString('base64');
        delete obj.stringData;
      }
    },
    prepareForCreate(obj) {
      obj.type ??= 'Opaque';
    },
    prepareForUpdate(obj, old) {
      obj.type ??= old.type;
    },
    validate(obj) {
      const errs: FieldError[] = [];
      for (const [k, v] of Object.entries(isObject(obj.data) ? obj.data : {}))
        if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v))
          errs.push({
            type: 'Invalid',
            field: `data[${k}]`,
            value: '<secret contents redacted>',
            detail: 'illegal base64 data',
          });
      return errs;
    },
    fields: { type: str(['type']) },
    known: typeFields({ data: mapOf(true), stringData: mapOf(true), type: true, immutable: true }),
  }),
});

export const endpointsType: ResourceType = defineType({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  statusSubresource: false,
  strategy: baseStrategy({ allowCreateOnUpdate: true, known: typeFields({ subsets: true }) }),
});

export const serviceAccountType: ResourceType = defineType({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  namespaced: true,
  statusSubresource: false,
  strategy: baseStrategy({
    known: typeFields({ secrets: true, imagePullSecrets: true, automountServiceAccountToken: true }),
  }),
});

const eventKnown = typeFields({
  ...Object.fromEntries(
    [
      'involvedObject',
      'reason',
      'message',
      'source',
      'firstTimestamp',
      'lastTimestamp',
      'count',
      'type',
      'eventTime',
      'series',
      'action',
      'related',
      'reportingComponent',
      'reportingInstance',
    ].map((k) => [k, true]),
  ),
});

export const eventType: ResourceType = defineType({
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  statusSubresource: false,
  strategy: baseStrategy({
    allowCreateOnUpdate: true,
    decode(obj, rt) {
      checkMicroTimes(obj, rt, [['eventTime'], ['series', 'lastObservedTime']]);
    },
    validate(obj) {
      const errs: FieldError[] = [];
      const inv = isObject(obj.involvedObject) ? obj.involvedObject : {};
      if (inv.namespace && inv.namespace !== obj.metadata.namespace)
        errs.push({
          type: 'Invalid',
          field: 'involvedObject.namespace',
          value: inv.namespace,
          detail: 'does not match event.namespace',
        });
      if (obj.type !== undefined && obj.type !== 'Normal' && obj.type !== 'Warning')
        errs.push({ type: 'NotSupported', field: 'type', value: obj.type, supported: ['Normal', 'Warning'] });
      return errs;
    },
    fields: {
      'involvedObject.kind': str(['involvedObject', 'kind']),
      'involvedObject.namespace': str(['involvedObject', 'namespace']),
      'involvedObject.name': str(['involvedObject', 'name']),
      'involvedObject.uid': str(['involvedObject', 'uid']),
      'involvedObject.apiVersion': str(['involvedObject', 'apiVersion']),
      'involvedObject.resourceVersion': str(['involvedObject', 'resourceVersion']),
      'involvedObject.fieldPath': str(['involvedObject', 'fieldPath']),
      reason: str(['reason']),
      reportingComponent: str(['reportingComponent']),
      source: str(['source', 'component']),
      type: str(['type']),
    },
    known: eventKnown,
  }),
});
