// The steps every write shares, in the order the apiserver runs them: decode (type meta,
// unknown fields, defaults), server-owned metadata, status isolation, generation, validation
// and no-op detection (`apiserver/pkg/registry/rest/create.go`, `update.go`).
import { randomUUID } from 'node:crypto';
import type { FieldError } from '../errors.js';
import { badRequest, invalid } from '../errors.js';
import { clone, deepEqual, isObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import { checkName, rfc3339Seconds } from '../kobject.js';
import { checkTypeMeta, decodeCustom } from '../kinds/custom-resource.js';
import type { ResourceType, StrategyContext } from '../kinds/resource-type.js';
import { objectMetaFields, unknownFields } from '../schema/known-fields.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  fieldValidation: FieldValidation;
  dryRun: boolean;
}

/** Turns a request body into an object of this type; 400 on anything undecodable. */
export function decodeBody(body: unknown, rt: ResourceType): KObject {
  if (!isObject(body))
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: body must be a JSON object`,
    );
  if (body.metadata !== undefined && !isObject(body.metadata))
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: json: cannot unmarshal into Go struct field .metadata of type v1.ObjectMeta`,
    );
  const obj = body as KObject;
  obj.metadata ??= {};
  if (rt.crd) checkTypeMeta(obj, rt);
  else if (
    (obj.kind !== undefined && obj.kind !== rt.kind) ||
    (obj.apiVersion !== undefined && obj.apiVersion !== rt.apiVersion)
  )
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: the object provided is unrecognized (must be of type ${rt.kind}): ${String(obj.kind)}`,
    );
  return obj;
}

/** Unknown fields, defaults and kind-specific decoding; applies the fieldValidation directive. */
export function decodeFields(obj: KObject, rt: ResourceType, opts: WriteOptions, ctx: StrategyContext): void {
  let unknown: string[];
  if (rt.crd) {
    unknown = unknownFields(obj.metadata, objectMetaFields, 'metadata').concat(decodeCustom(obj, rt).unknown);
  } else {
    unknown = rt.strategy.known
      ? unknownFields(obj, rt.strategy.known)
      : unknownFields(obj.metadata, objectMetaFields, 'metadata');
  }
  rt.strategy.decode?.(obj, rt);
  if (unknown.length === 0 || opts.fieldValidation === 'Ignore') return;
  if (opts.fieldValidation === 'Strict')
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${unknown
        .map((u) => `unknown field "${u}"`)
        .join(', ')}`,
    );
  for (const u of unknown) ctx.warnings.push(`unknown field "${u}"`);
}

const SERVER_OWNED = [
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
] as const;

/** Metadata the server owns on create. */
export function initMeta(obj: KObject, rt: ResourceType, now: number): void {
  const m = obj.metadata;
  delete m.resourceVersion;
  delete m.managedFields;
  delete m.selfLink;
  for (const k of SERVER_OWNED) delete m[k];
  m.uid = randomUUID();
  m.creationTimestamp = rfc3339Seconds(now);
  if (rt.strategy.generation !== 'none') m.generation = 1;
  obj.apiVersion = rt.apiVersion;
  obj.kind = rt.kind;
}

/** Metadata the server carries over on update; the client cannot change it. */
export function carryMeta(obj: KObject, old: KObject, rt: ResourceType): void {
  const m = obj.metadata;
  delete m.managedFields;
  delete m.selfLink;
  for (const k of SERVER_OWNED) {
    if (old.metadata[k] === undefined) delete m[k];
    else (m as Record<string, unknown>)[k] = old.metadata[k];
  }
  obj.apiVersion = rt.apiVersion;
  obj.kind = rt.kind;
}

/** Status subresource isolation (§6.4): which parts of the new object survive. */
export function isolate(obj: KObject, old: KObject, rt: ResourceType, sub: string): KObject {
  if (!rt.statusSubresource) return obj;
  if (sub === 'status') {
    if (rt.strategy.statusUpdate === 'onlyStatus') {
      const out: KObject = { ...old, metadata: { ...old.metadata } };
      if (obj.status === undefined) delete out.status;
      else out.status = obj.status;
      return out;
    }
    for (const k of Object.keys(obj))
      if (!['metadata', 'status', 'apiVersion', 'kind'].includes(k)) delete obj[k];
    for (const [k, v] of Object.entries(old))
      if (!['metadata', 'status', 'apiVersion', 'kind'].includes(k)) obj[k] = clone(v);
    return obj;
  }
  if (old.status === undefined) delete obj.status;
  else obj.status = clone(old.status);
  return obj;
}

function withoutKeys(o: KObject, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** Bumps generation when the strategy says the change counts (§6.3). */
export function bumpGeneration(obj: KObject, old: KObject, rt: ResourceType): void {
  const g = rt.strategy.generation;
  if (g === 'none') return;
  const skip =
    g === 'nonMetadataStatus'
      ? ['metadata', 'status', 'apiVersion', 'kind']
      : ['metadata', 'apiVersion', 'kind'];
  const changed = !deepEqual(withoutKeys(obj, skip), withoutKeys(old, skip));
  obj.metadata.generation = (old.metadata.generation ?? 0) + (changed ? 1 : 0);
}

/** Validation shared by every kind: name rules, then the kind's own checks; 422 on failure. */
export function validateObject(
  obj: KObject,
  old: KObject | undefined,
  rt: ResourceType,
  ctx: StrategyContext,
): void {
  const errs: FieldError[] = [];
  const name = obj.metadata.name ?? '';
  const problem = checkName(rt.strategy.nameRule, name);
  if (problem) errs.push({ type: 'Invalid', field: 'metadata.name', value: name, detail: problem });
  const labels = obj.metadata.labels;
  if (labels !== undefined && !isObject(labels))
    errs.push({ type: 'Invalid', field: 'metadata.labels', value: labels, detail: 'must be a map' });
  else
    for (const [k, v] of Object.entries(labels ?? {}))
      if (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v))
        errs.push({
          type: 'Invalid',
          field: `metadata.labels`,
          value: v,
          detail: `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (key ${k})`,
        });
  if (old?.metadata.deletionTimestamp) {
    const before = new Set(old.metadata.finalizers ?? []);
    for (const f of obj.metadata.finalizers ?? [])
      if (!before.has(f))
        errs.push({
          type: 'Forbidden',
          field: 'metadata.finalizers',
          detail: 'no new finalizers can be added if the object is being deleted',
        });
  }
  errs.push(...(rt.strategy.validate?.(obj, old, ctx) ?? []));
  if (errs.length) throw invalid(rt.kind, rt.group, name, errs);
}

/** True when the update changes nothing (it then neither bumps the RV nor emits an event). */
export function isNoop(obj: KObject, old: KObject): boolean {
  const { resourceVersion: _a, ...m1 } = obj.metadata;
  const { resourceVersion: _b, ...m2 } = old.metadata;
  if (!deepEqual(m1, m2)) return false;
  for (const k of new Set([...Object.keys(obj), ...Object.keys(old)]))
    if (k !== 'metadata' && !deepEqual(obj[k], old[k])) return false;
  return true;
}
