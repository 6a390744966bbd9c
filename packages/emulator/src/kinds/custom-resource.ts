// Custom resources: turning a CustomResourceDefinition into served ResourceTypes (one per
// served version) with the CR strategy of `apiextensions-apiserver`
// (`pkg/registry/customresource/strategy.go`): generation on non-metadata changes (status
// excluded when the status subresource is on), no unconditional update, no create on update,
// status isolation, schema defaulting, pruning and validation.
import type { FieldError } from '../errors.js';
import { badRequest, invalid } from '../errors.js';
import { getPath, isObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import type { Schema } from '../schema/json-schema.js';
import { applyDefaults, prune } from '../schema/schema-default.js';
import { validateValue } from '../schema/schema-validate.js';
import type { FieldGetter } from '../selectors/field-selector.js';
import type { ResourceType } from './resource-type.js';
import { baseStrategy, defineType } from './resource-type.js';

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface CrdRuntime {
  crdName: string;
  schema?: Schema;
  printerColumns: PrinterColumn[];
  scaleSubresource: boolean;
}

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: { status?: object; scale?: object };
  additionalPrinterColumns?: PrinterColumn[];
  selectableFields?: { jsonPath: string }[];
}

export interface CrdSpec {
  group: string;
  names: {
    plural: string;
    singular?: string;
    kind: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersion[];
}

/** Unknown fields found while decoding, for the caller's fieldValidation handling. */
export interface DecodeReport {
  unknown: string[];
}

function selectable(v: CrdVersion): Record<string, FieldGetter> {
  const out: Record<string, FieldGetter> = {};
  for (const f of v.selectableFields ?? []) {
    const path = f.jsonPath.replace(/^\./, '').split('.');
    out[path.join('.')] = (o: KObject) => {
      const x = getPath(o, path);
      return x === undefined || x === null ? undefined : String(x);
    };
  }
  return out;
}

/** The ResourceTypes one CRD serves, one per served version. */
export function customResourceTypes(crdName: string, spec: CrdSpec): ResourceType[] {
  const n = spec.names;
  return spec.versions
    .filter((v) => v.served)
    .map((v) => {
      const schema = v.schema?.openAPIV3Schema;
      const status = v.subresources?.status !== undefined;
      const rt: ResourceType = defineType({
        group: spec.group,
        version: v.name,
        kind: n.kind,
        listKind: n.listKind ?? `${n.kind}List`,
        plural: n.plural,
        singular: n.singular ?? n.kind.toLowerCase(),
        shortNames: n.shortNames ?? [],
        categories: n.categories ?? [],
        namespaced: spec.scope === 'Namespaced',
        statusSubresource: status,
        crd: {
          crdName,
          schema,
          printerColumns: v.additionalPrinterColumns ?? [],
          scaleSubresource: v.subresources?.scale !== undefined,
        },
        strategy: baseStrategy({
          allowUnconditionalUpdate: false,
          generation: status ? 'nonMetadataStatus' : 'nonMetadata',
          dropStatusOnCreate: status,
          statusUpdate: 'onlyStatus',
          fields: selectable(v),
          validate: (obj) => (schema ? validateCustom(obj, schema) : []),
        }),
      });
      return rt;
    });
}

/** Checks apiVersion/kind against the URL (400 on mismatch). */
export function checkTypeMeta(obj: KObject, rt: ResourceType): void {
  if (obj.apiVersion === undefined || obj.kind === undefined)
    throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
  if (obj.apiVersion !== rt.apiVersion || obj.kind !== rt.kind)
    throw badRequest(
      `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${rt.apiVersion})`,
    );
}

/** Prunes unknown fields (returning their paths) and applies defaults, in place. */
export function decodeCustom(obj: KObject, rt: ResourceType): DecodeReport {
  const schema = rt.crd?.schema;
  if (!schema) return { unknown: [] };
  const unknown = prune(obj, schema, '', [], ['apiVersion', 'kind', 'metadata']);
  applyDefaults(obj, schema);
  return { unknown };
}

function validateCustom(obj: KObject, schema: Schema): FieldError[] {
  const errs: FieldError[] = [];
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
  const s: Schema = { ...schema, properties: { ...schema.properties } };
  delete s.properties!.metadata;
  delete s.properties!.apiVersion;
  delete s.properties!.kind;
  validateValue(rest, s, '', errs);
  return errs;
}

export function failInvalid(obj: KObject, rt: ResourceType, errs: FieldError[]): never {
  throw invalid(rt.kind, rt.group, obj.metadata.name ?? '', errs);
}

export function isCrdObject(v: unknown): v is { spec: CrdSpec } {
  return isObject(v) && isObject(v.spec);
}
