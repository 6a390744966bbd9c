// Structural validation and defaulting of an object against its kind's schema declaration,
// with the same rules an API server applies. The config package runs it on every object,
// so a configuration is never trusted to have passed the API server's checks.
import { isMapSchema } from './schema-dsl.js';
import type { ObjectSchema, Schema } from './schema-dsl.js';

export interface SchemaError {
  /** Path of the offending value, e.g. `spec.addresses[2]`. */
  readonly field: string;
  readonly message: string;
}

const regexCache = new Map<string, RegExp>();

function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    regexCache.set(pattern, re);
  }
  return re;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/** All schema violations of `value` (an empty list when it conforms). */
export function validateSchema(schema: Schema, value: unknown, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  const fail = (message: string, at = path) => errors.push({ field: at, message });
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') {
        fail(`must be a string, not ${describe(value)}`);
        break;
      }
      if (schema.enum && !schema.enum.includes(value))
        fail(`must be one of ${schema.enum.map((v) => `"${v}"`).join(', ')}, not "${value}"`);
      if (schema.minLength !== undefined && value.length < schema.minLength)
        fail(`must be at least ${schema.minLength} characters long`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength)
        fail(`must be at most ${schema.maxLength} characters long`);
      if (schema.pattern && !regex(schema.pattern).test(value))
        fail(`"${value}" is not ${schema.patternDoc ?? `matching ${schema.pattern}`}`);
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value)))
        fail(`"${value}" is not a date-time`);
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        fail(`must be an integer, not ${typeof value === 'number' ? value : describe(value)}`);
        break;
      }
      if (schema.minimum !== undefined && value < schema.minimum)
        fail(`must be at least ${schema.minimum}, not ${value}`);
      if (schema.maximum !== undefined && value > schema.maximum)
        fail(`must be at most ${schema.maximum}, not ${value}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`must be a boolean, not ${describe(value)}`);
      break;
    case 'array': {
      if (!Array.isArray(value)) {
        fail(`must be an array, not ${describe(value)}`);
        break;
      }
      if (schema.minItems !== undefined && value.length < schema.minItems)
        fail(`must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        fail(`must have at most ${schema.maxItems} items`);
      value.forEach((item, i) => errors.push(...validateSchema(schema.items, item, `${path}[${i}]`)));
      if (schema.listType === 'set') {
        const seen = new Set<string>();
        value.forEach((item, i) => {
          const key = JSON.stringify(item);
          if (seen.has(key)) fail(`duplicate value ${key}`, `${path}[${i}]`);
          seen.add(key);
        });
      }
      if (schema.listType === 'map' && schema.listMapKeys) {
        const keys = schema.listMapKeys;
        const seen = new Set<string>();
        value.forEach((item, i) => {
          if (!isPlainObject(item)) return;
          const key = JSON.stringify(keys.map((k) => item[k]));
          if (seen.has(key)) fail(`duplicate entry with ${keys.join(', ')} ${key}`, `${path}[${i}]`);
          seen.add(key);
        });
      }
      break;
    }
    case 'object': {
      if (!isPlainObject(value)) {
        fail(`must be an object, not ${describe(value)}`);
        break;
      }
      if (isMapSchema(schema)) {
        if (schema.maxProperties !== undefined && Object.keys(value).length > schema.maxProperties)
          fail(`must have at most ${schema.maxProperties} entries`);
        for (const [k, v] of Object.entries(value))
          errors.push(...validateSchema(schema.additionalProperties, v, `${path}[${JSON.stringify(k)}]`));
        break;
      }
      for (const name of schema.required ?? []) {
        if (value[name] === undefined || value[name] === null) fail('is required', join(path, name));
      }
      for (const [k, v] of Object.entries(value)) {
        const child = schema.properties[k];
        if (!child) fail('is not a known field', join(path, k));
        else if (v !== undefined && v !== null) errors.push(...validateSchema(child, v, join(path, k)));
      }
      break;
    }
  }
  return errors;
}

/**
 * A copy of `value` with the schema's defaults filled in where fields are absent, as the API
 * server does on create and read. Values of the wrong type are left as they are.
 */
export function applyDefaults<T>(schema: Schema, value: T): T {
  if (schema.type === 'array' && Array.isArray(value)) {
    return value.map((item: unknown) => applyDefaults(schema.items, item)) as T;
  }
  if (schema.type !== 'object' || isMapSchema(schema) || !isPlainObject(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [k, child] of Object.entries((schema as ObjectSchema).properties)) {
    if (out[k] === undefined && 'default' in child && child.default !== undefined) {
      out[k] = structuredCloneJson(child.default);
    }
    if (out[k] !== undefined) out[k] = applyDefaults(child, out[k]);
  }
  return out as T;
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
