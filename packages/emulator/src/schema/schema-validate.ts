// Validation of custom resources against their structural schema, with kube-openapi's error
// wording (`spec.cidr: Invalid value: "integer": spec.cidr in body must be of type string:
// "integer"`). Covers the keywords §6.10 of the design brief lists; CEL rules are not run.
import type { FieldError } from '../errors.js';
import { deepEqual, isObject } from '../json-value.js';
import { familyOf } from '../kinds/ip-range.js';
import type { Schema } from './json-schema.js';

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(type: string, v: unknown): boolean {
  const t = typeName(v);
  return t === type || (type === 'number' && t === 'integer');
}

const CIDR = /^(.+)\/(\d{1,3})$/;

const formats: Record<string, (s: string) => boolean> = {
  ipv4: (s) => familyOf(s) === 'IPv4',
  ipv6: (s) => familyOf(s) === 'IPv6',
  ip: (s) => familyOf(s) !== undefined,
  cidr: (s) => {
    const m = CIDR.exec(s);
    if (!m) return false;
    const f = familyOf(m[1]!);
    return f !== undefined && Number(m[2]) <= (f === 'IPv4' ? 32 : 128);
  },
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s),
  hostname: (s) =>
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i.test(s) && s.length <= 253,
  uuid: (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
  mac: (s) => /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(s),
  byte: (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0,
};

export function validateValue(v: unknown, s: Schema, path: string, errs: FieldError[] = []): FieldError[] {
  const at = path;
  if (v === null) {
    if (!s.nullable && s.type && !s['x-kubernetes-preserve-unknown-fields'])
      errs.push({
        type: 'Invalid',
        field: at,
        value: 'null',
        detail: `${at} in body must be of type ${s.type}: "null"`,
      });
    return errs;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (!Number.isInteger(v) && typeof v !== 'string')
      errs.push({
        type: 'Invalid',
        field: at,
        value: typeName(v),
        detail: `${at} in body must be of type integer,string: "${typeName(v)}"`,
      });
  } else if (s.type && !typeMatches(s.type, v)) {
    errs.push({
      type: 'Invalid',
      field: at,
      value: typeName(v),
      detail: `${at} in body must be of type ${s.type}: "${typeName(v)}"`,
    });
    return errs;
  }
  if (s.enum && !s.enum.some((e) => deepEqual(e, v)))
    errs.push({
      type: 'NotSupported',
      field: at,
      value: v,
      supported: s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
    });
  if (typeof v === 'string') {
    if (s.maxLength !== undefined && v.length > s.maxLength)
      errs.push({
        type: 'TooLong',
        field: at,
        value: v,
        detail: `may not be more than ${s.maxLength} bytes`,
      });
    if (s.minLength !== undefined && v.length < s.minLength)
      errs.push({
        type: 'Invalid',
        field: at,
        value: v,
        detail: `${at} in body should be at least ${s.minLength} chars long`,
      });
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v))
      errs.push({
        type: 'Invalid',
        field: at,
        value: v,
        detail: `${at} in body should match '${s.pattern}'`,
      });
    const check = s.format ? formats[s.format] : undefined;
    if (check && !check(v))
      errs.push({
        type: 'Invalid',
        field: at,
        value: v,
        detail: `${at} in body must be of type ${s.format}: ${JSON.stringify(v)}`,
      });
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum))
      errs.push({
        type: 'Invalid',
        field: at,
        value: v,
        detail: `${at} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`,
      });
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum))
      errs.push({
        type: 'Invalid',
        field: at,
        value: v,
        detail: `${at} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`,
      });
    if (s.format === 'int32' && (v < -2147483648 || v > 2147483647))
      errs.push({
        type: 'Invalid',
        field: at,
        value: v,
        detail: `${at} in body must be of type int32: "${v}"`,
      });
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems)
      errs.push({
        type: 'Invalid',
        field: at,
        value: v.length,
        detail: `${at} in body should have at least ${s.minItems} items`,
      });
    if (s.maxItems !== undefined && v.length > s.maxItems)
      errs.push({
        type: 'TooMany',
        field: at,
        value: v.length,
        detail: `${v.length}: must have at most ${s.maxItems} items`,
      });
    const listType = s['x-kubernetes-list-type'];
    if (listType === 'set' || listType === 'map') {
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      const ids = v.map((e) =>
        listType === 'map' && isObject(e) ? JSON.stringify(keys.map((k) => e[k])) : JSON.stringify(e),
      );
      ids.forEach((id, i) => {
        if (ids.indexOf(id) !== i) errs.push({ type: 'Duplicate', field: `${at}[${i}]`, value: v[i] });
      });
    }
    if (s.items) v.forEach((e, i) => validateValue(e, s.items!, `${at}[${i}]`, errs));
  }
  if (isObject(v)) {
    for (const r of s.required ?? [])
      if (!(r in v)) errs.push({ type: 'Required', field: at ? `${at}.${r}` : r });
    const n = Object.keys(v).length;
    if (s.minProperties !== undefined && n < s.minProperties)
      errs.push({
        type: 'Invalid',
        field: at,
        value: n,
        detail: `${at} in body should have at least ${s.minProperties} properties`,
      });
    if (s.maxProperties !== undefined && n > s.maxProperties)
      errs.push({
        type: 'TooMany',
        field: at,
        value: n,
        detail: `must have at most ${s.maxProperties} items`,
      });
    for (const [k, child] of Object.entries(v)) {
      const sub =
        s.properties?.[k] ??
        (isObject(s.additionalProperties) ? (s.additionalProperties as Schema) : undefined);
      if (sub) validateValue(child, sub, at ? `${at}.${k}` : k, errs);
    }
  }
  for (const sub of s.allOf ?? []) validateValue(v, sub, path, errs);
  if (s.anyOf && !s.anyOf.some((sub) => validateValue(v, sub, path).length === 0))
    errs.push({
      type: 'Invalid',
      field: at,
      value: v,
      detail: `${at} in body must match at least one schema (anyOf)`,
    });
  if (s.oneOf && s.oneOf.filter((sub) => validateValue(v, sub, path).length === 0).length !== 1)
    errs.push({
      type: 'Invalid',
      field: at,
      value: v,
      detail: `${at} in body must validate one and only one schema (oneOf)`,
    });
  return errs;
}
