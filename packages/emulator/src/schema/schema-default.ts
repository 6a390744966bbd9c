// Defaulting and pruning of custom resources (apiextensions `pkg/apiserver/schema/defaulting`
// and `pruning`). A default applies only where the parent object exists; pruning removes
// fields the schema does not know unless `x-kubernetes-preserve-unknown-fields` says keep.
import { clone, isObject } from '../json-value.js';
import type { Schema } from './json-schema.js';

export function applyDefaults(v: unknown, s: Schema): void {
  if (Array.isArray(v)) {
    if (s.items) for (const e of v) applyDefaults(e, s.items);
    return;
  }
  if (!isObject(v)) return;
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    if (!(k in v) && p.default !== undefined) v[k] = clone(p.default);
  }
  for (const [k, child] of Object.entries(v)) {
    const sub =
      s.properties?.[k] ??
      (isObject(s.additionalProperties) ? (s.additionalProperties as Schema) : undefined);
    if (sub) applyDefaults(child, sub);
  }
}

/** Removes unknown fields in place and returns their paths (`spec.foo`). */
export function prune(
  v: unknown,
  s: Schema,
  path: string,
  out: string[] = [],
  skip: string[] = [],
): string[] {
  if (s['x-kubernetes-preserve-unknown-fields'] && !s.properties && !s.items && !s.additionalProperties)
    return out;
  if (Array.isArray(v)) {
    if (s.items) v.forEach((e, i) => prune(e, s.items!, `${path}[${i}]`, out));
    return out;
  }
  if (!isObject(v)) return out;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  for (const k of Object.keys(v)) {
    if (skip.includes(k)) continue;
    const p = path ? `${path}.${k}` : k;
    const sub =
      s.properties?.[k] ??
      (isObject(s.additionalProperties) ? (s.additionalProperties as Schema) : undefined);
    if (sub) prune(v[k], sub, p, out);
    else if (s.additionalProperties === true || preserve) continue;
    else {
      out.push(p);
      delete v[k];
    }
  }
  return out;
}
