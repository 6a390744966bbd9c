// Workload kinds served as plain storage so that whole manifests (IronLB's own
// config/manifests/*.yaml) apply: apps/v1 Deployments, DaemonSets, StatefulSets and
// ReplicaSets, policy/v1 PodDisruptionBudgets. There are no controllers behind them: no
// ReplicaSets or Pods get created and status stays what clients write.
import type { FieldError } from '../errors.js';
import { getPath, isObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import type { SmpSchema } from '../patch/strategic-merge.js';
import { fromLabelSelectorObject, matchesLabels } from '../selectors/label-selector.js';
import type { ResourceType } from './resource-type.js';
import { baseStrategy, defineType } from './resource-type.js';

const podSpecSmp: SmpSchema = {
  fields: {
    containers: {
      mergeKey: 'name',
      items: {
        fields: {
          env: { mergeKey: 'name' },
          ports: { mergeKey: 'containerPort' },
          volumeMounts: { mergeKey: 'mountPath' },
        },
      },
    },
    initContainers: { mergeKey: 'name' },
    volumes: { mergeKey: 'name' },
    tolerations: {},
  },
};

const workloadSmp: SmpSchema = {
  fields: {
    spec: { fields: { template: { fields: { spec: podSpecSmp } } } },
    status: { fields: { conditions: { mergeKey: 'type' } } },
  },
};

/** apps/v1 validation that matters to manifests: a selector that matches the template. */
function validateWorkload(obj: KObject, old: KObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const selector = getPath(obj, ['spec', 'selector']);
  if (!isObject(selector)) return [{ type: 'Required', field: 'spec.selector' }];
  const labels = getPath(obj, ['spec', 'template', 'metadata', 'labels']) as
    Record<string, string> | undefined;
  const sel = fromLabelSelectorObject(selector);
  if (sel.length === 0)
    errs.push({
      type: 'Invalid',
      field: 'spec.selector',
      value: selector,
      detail: 'empty selector is invalid for deployment',
    });
  else if (!matchesLabels(sel, labels ?? {}))
    errs.push({
      type: 'Invalid',
      field: 'spec.template.metadata.labels',
      value: labels ?? {},
      detail: '`selector` does not match template `labels`',
    });
  if (old && JSON.stringify(getPath(old, ['spec', 'selector'])) !== JSON.stringify(selector))
    errs.push({ type: 'Invalid', field: 'spec.selector', value: selector, detail: 'field is immutable' });
  return errs;
}

function workload(
  kind: string,
  plural: string,
  shortNames: string[],
  defaults?: (obj: KObject) => void,
): ResourceType {
  return defineType({
    group: 'apps',
    version: 'v1',
    kind,
    plural,
    singular: kind.toLowerCase(),
    shortNames,
    categories: ['all'],
    namespaced: true,
    statusSubresource: true,
    strategy: baseStrategy({
      generation: 'nonMetadataStatus',
      prepareForCreate: (obj) => defaults?.(obj),
      prepareForUpdate: (obj) => defaults?.(obj),
      validate: validateWorkload,
      smp: workloadSmp,
    }),
  });
}

const replicasDefault = (obj: KObject): void => {
  if (isObject(obj.spec) && obj.spec.replicas === undefined) obj.spec.replicas = 1;
};

export const deploymentType = workload('Deployment', 'deployments', ['deploy'], replicasDefault);
export const daemonSetType = workload('DaemonSet', 'daemonsets', ['ds']);
export const statefulSetType = workload('StatefulSet', 'statefulsets', ['sts'], replicasDefault);
export const replicaSetType = workload('ReplicaSet', 'replicasets', ['rs'], replicasDefault);

export const podDisruptionBudgetType: ResourceType = defineType({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  namespaced: true,
  statusSubresource: true,
  strategy: baseStrategy({
    generation: 'nonMetadataStatus',
    smp: { fields: { spec: { fields: { selector: { replace: true } } } } },
    validate(obj) {
      const spec = isObject(obj.spec) ? obj.spec : {};
      return spec.minAvailable !== undefined && spec.maxUnavailable !== undefined
        ? [
            {
              type: 'Invalid',
              field: 'spec',
              value: spec,
              detail: 'minAvailable and maxUnavailable cannot be both set',
            },
          ]
        : [];
    },
  }),
});

export const workloadTypes: readonly ResourceType[] = [
  deploymentType,
  daemonSetType,
  statefulSetType,
  replicaSetType,
  podDisruptionBudgetType,
];
