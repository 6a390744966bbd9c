// CustomResourceDefinition as a served kind: validation of names, versions and structural
// schemas (`apiextensions-apiserver/pkg/apis/apiextensions/validation`), and the status the
// real controllers set (NamesAccepted, Established, acceptedNames, storedVersions), which
// the emulator sets synchronously on every write.
import type { FieldError } from '../errors.js';
import { isObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import { checkStructural } from '../schema/json-schema.js';
import type { CrdSpec } from './custom-resource.js';
import { rfc3339Seconds } from '../kobject.js';
import type { ResourceType } from './resource-type.js';
import { baseStrategy, defineType } from './resource-type.js';

function validateCrd(obj: KObject, old: KObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(obj.spec)) return [{ type: 'Required', field: 'spec' }];
  const spec = obj.spec as unknown as CrdSpec;
  const names = spec.names ?? ({} as CrdSpec['names']);
  if (!spec.group) errs.push({ type: 'Required', field: 'spec.group' });
  if (!names.plural) errs.push({ type: 'Required', field: 'spec.names.plural' });
  if (!names.kind) errs.push({ type: 'Required', field: 'spec.names.kind' });
  if (spec.group && names.plural && obj.metadata.name !== `${names.plural}.${spec.group}`)
    errs.push({
      type: 'Invalid',
      field: 'metadata.name',
      value: obj.metadata.name,
      detail: `must be spec.names.plural+"."+spec.group`,
    });
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    errs.push({
      type: 'NotSupported',
      field: 'spec.scope',
      value: spec.scope ?? '',
      supported: ['Cluster', 'Namespaced'],
    });
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0)
    errs.push({
      type: 'Required',
      field: 'spec.versions',
      detail: 'must have exactly one version marked as storage version',
    });
  if (versions.filter((v) => v.storage).length !== 1)
    errs.push({
      type: 'Invalid',
      field: 'spec.versions',
      value: versions.map((v) => v.name),
      detail: 'must have exactly one version marked as storage version',
    });
  if (!versions.some((v) => v.served))
    errs.push({
      type: 'Invalid',
      field: 'spec.versions',
      value: versions.map((v) => v.name),
      detail: 'must have at least one version marked as served',
    });
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}].schema.openAPIV3Schema`;
    if (!v.schema?.openAPIV3Schema) errs.push({ type: 'Required', field: p, detail: 'schemas are required' });
    else errs.push(...checkStructural(v.schema.openAPIV3Schema, p));
  });
  if (old && isObject(old.spec)) {
    const o = old.spec as unknown as CrdSpec;
    if (o.group !== spec.group)
      errs.push({ type: 'Invalid', field: 'spec.group', value: spec.group, detail: 'field is immutable' });
    if (o.names?.plural !== names.plural)
      errs.push({
        type: 'Invalid',
        field: 'spec.names.plural',
        value: names.plural,
        detail: 'field is immutable',
      });
  }
  return errs;
}

/** The status the NamesAccepted and Established controllers would write. */
function setCrdStatus(obj: KObject, now: number, old?: KObject): void {
  const spec = obj.spec as unknown as CrdSpec;
  const names = { ...spec.names, listKind: spec.names.listKind ?? `${spec.names.kind}List` };
  names.singular ??= spec.names.kind.toLowerCase();
  const storage = spec.versions.find((v) => v.storage)?.name;
  const prevStatus = isObject(old?.status) ? old.status : undefined;
  const prevConds = Array.isArray(prevStatus?.conditions)
    ? (prevStatus.conditions as { type: string; lastTransitionTime: string }[])
    : [];
  const since = (type: string): string =>
    prevConds.find((c) => c.type === type)?.lastTransitionTime ?? rfc3339Seconds(now);
  const stored = Array.isArray(prevStatus?.storedVersions)
    ? [...(prevStatus.storedVersions as string[])]
    : [];
  if (storage && !stored.includes(storage)) stored.push(storage);
  obj.status = {
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: since('NamesAccepted'),
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: since('Established'),
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    acceptedNames: names,
    storedVersions: stored,
  };
}

export const crdType: ResourceType = defineType({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  namespaced: false,
  statusSubresource: true,
  strategy: baseStrategy({
    allowUnconditionalUpdate: false,
    generation: 'nonMetadataStatus',
    validate: validateCrd,
    prepareForCreate(obj, ctx) {
      if (!isObject(obj.spec) || !isObject((obj.spec as Record<string, unknown>).names)) return;
      const spec = obj.spec as unknown as CrdSpec;
      spec.names.listKind ??= `${spec.names.kind}List`;
      spec.names.singular ??= spec.names.kind.toLowerCase();
      for (const v of spec.versions ?? []) (v as { served: boolean }).served ??= true;
      (spec as unknown as Record<string, unknown>).conversion ??= { strategy: 'None' };
      setCrdStatus(obj, ctx.now);
    },
    prepareForUpdate(obj, old, ctx) {
      if (!isObject(obj.spec) || !isObject((obj.spec as Record<string, unknown>).names)) return;
      const spec = obj.spec as unknown as CrdSpec;
      spec.names.listKind ??= `${spec.names.kind}List`;
      spec.names.singular ??= spec.names.kind.toLowerCase();
      setCrdStatus(obj, ctx.now, old);
    },
  }),
});
