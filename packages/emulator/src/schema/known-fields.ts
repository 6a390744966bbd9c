// Field lists of built-in kinds, for `fieldValidation=Strict|Warn` (kubectl sends Strict).
// A trimmed, hand-written view of the official API types: a nested table whose leaves are
// `true` (anything below is accepted). Unlisted kinds accept everything.
import { isObject } from '../json-value.js';

export interface KnownFields {
  [field: string]: KnownFields | true;
}

/** Marks a list whose elements have the given fields (`[]` key) or a map whose values do (`*`). */
export function listOf(fields: KnownFields): KnownFields {
  return { '[]': fields };
}
export function mapOf(fields: KnownFields | true): KnownFields {
  return { '*': fields };
}

function leaves(...names: string[]): KnownFields {
  const out: KnownFields = {};
  for (const n of names) out[n] = true;
  return out;
}

export const objectMetaFields: KnownFields = {
  ...leaves('name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation'),
  ...leaves('creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations'),
  ...leaves('finalizers', 'managedFields'),
  ownerReferences: listOf(leaves('apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion')),
};

export function typeFields(extra: KnownFields): KnownFields {
  return { apiVersion: true, kind: true, metadata: objectMetaFields, ...extra };
}

/**
 * Collects unknown field paths (`spec.foo`, `spec.ports[0].bar`) of a value and removes them,
 * as Go's JSON decoding drops fields a struct does not have.
 */
export function unknownFields(value: unknown, known: KnownFields, path = ''): string[] {
  const out: string[] = [];
  walk(value, known, path, out);
  return out;
}

function walk(value: unknown, known: KnownFields | true, path: string, out: string[]): void {
  if (known === true) return;
  if (Array.isArray(value)) {
    const items = known['[]'];
    if (items === undefined) return;
    value.forEach((v, i) => walk(v, items, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(value)) return;
  const values = known['*'];
  for (const [k, v] of Object.entries(value)) {
    const p = path ? `${path}.${k}` : k;
    if (values !== undefined) {
      walk(v, values, p, out);
      continue;
    }
    const sub = known[k];
    if (sub === undefined) {
      out.push(p);
      delete value[k];
    } else walk(v, sub, p, out);
  }
}
