// The OpenAPI v3 subset CRDs use (apiextensions `JSONSchemaProps`), and the structural-schema
// check the apiserver runs on CRD create/update (`pkg/apiserver/schema/validation.go`).
import type { FieldError } from '../errors.js';
import { isObject } from '../json-value.js';

export interface Schema {
  type?: string;
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  default?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  not?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: unknown[];
}

const TYPES = ['object', 'array', 'string', 'integer', 'number', 'boolean'];

/** Structural-schema violations of one version's `openAPIV3Schema`, as 422 field errors. */
export function checkStructural(schema: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(schema)) return [{ type: 'Required', field: path, detail: 'schemas are required' }];
  walk(schema as Schema, path, errs, true);
  return errs;
}

function walk(s: Schema, path: string, errs: FieldError[], root: boolean): void {
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  if (root && s.type !== 'object')
    errs.push({
      type: 'Invalid',
      field: `${path}.type`,
      value: s.type ?? '',
      detail: 'must be object at the root',
    });
  if (s.type === undefined && !preserve && !intOrString && (s.properties || s.items || !root))
    errs.push({
      type: 'Required',
      field: `${path}.type`,
      detail: 'must not be empty for specified object fields',
    });
  if (s.type !== undefined && !TYPES.includes(s.type))
    errs.push({ type: 'NotSupported', field: `${path}.type`, value: s.type, supported: TYPES });
  if (s.type === 'array' && !s.items)
    errs.push({ type: 'Required', field: `${path}.items`, detail: 'must be specified' });
  if ((s as Record<string, unknown>).uniqueItems === true)
    errs.push({
      type: 'Forbidden',
      field: `${path}.uniqueItems`,
      detail: 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
    });
  if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false)
    errs.push({
      type: 'Forbidden',
      field: `${path}.additionalProperties`,
      detail: 'additionalProperties and properties are mutual exclusive',
    });
  if (s['x-kubernetes-list-type'] === 'map' && !(s['x-kubernetes-list-map-keys'] ?? []).length)
    errs.push({
      type: 'Required',
      field: `${path}.x-kubernetes-list-map-keys`,
      detail: 'must not be empty if x-kubernetes-list-type is map',
    });
  for (const [k, p] of Object.entries(s.properties ?? {})) walk(p, `${path}.properties[${k}]`, errs, false);
  if (s.items) walk(s.items, `${path}.items`, errs, false);
  if (isObject(s.additionalProperties))
    walk(s.additionalProperties as Schema, `${path}.additionalProperties`, errs, false);
}
