// PATCH: the content type picks the engine (§3.1 of the design brief): JSON patch, merge
// patch, strategic merge patch for built-in kinds only (415 on custom resources, as
// `customresource_handler.go` does); the patched object then goes through the update path.
import { StatusError, badRequest, conflict, notFound, statusBody, unsupportedMediaType } from '../errors.js';
import { isObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import type { ResourceType } from '../kinds/resource-type.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import type { SmpSchema } from '../patch/strategic-merge.js';
import { SmpError, applyStrategicMergePatch } from '../patch/strategic-merge.js';
import type { ObjectApi, WriteResult } from './object-api.js';
import type { WriteOptions } from './write-pipeline.js';

export const PatchType = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

const metadataSmp: SmpSchema = {
  fields: { finalizers: { primitiveMerge: true }, ownerReferences: { mergeKey: 'uid' } },
};

function smpSchemaOf(rt: ResourceType): SmpSchema {
  const own = rt.strategy.smp ?? {};
  return { ...own, fields: { ...own.fields, metadata: metadataSmp } };
}

/** Server-side apply (`application/apply-patch+yaml`) is not implemented, so it is not listed. */
function acceptedTypes(rt: ResourceType): string[] {
  return rt.crd ? [PatchType.json, PatchType.merge] : [PatchType.json, PatchType.merge, PatchType.strategic];
}
function invalidPatch(message: string): StatusError {
  return new StatusError(statusBody(422, 'Invalid', message));
}

export function patchObject(
  api: ObjectApi,
  rt: ResourceType,
  target: { ns: string | undefined; name: string; sub: string },
  contentType: string,
  rawBody: string,
  opts: WriteOptions,
): WriteResult {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const accepted = acceptedTypes(rt);
  if (!accepted.includes(type)) throw unsupportedMediaType(contentType, accepted);
  let patch: unknown;
  try {
    patch = JSON.parse(rawBody);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  let old: KObject;
  try {
    old = api.get(rt, target.ns, target.name);
  } catch (e) {
    if (e instanceof StatusError) throw notFound(rt, target.name);
    throw e;
  }
  let patched: unknown;
  if (type === PatchType.json) {
    const r = applyJsonPatch(old, patch);
    if (!r.ok) throw r.kind === 'decode' ? badRequest(r.message) : invalidPatch(r.message);
    patched = r.value;
  } else if (type === PatchType.merge) {
    if (!isObject(patch)) throw badRequest('error decoding patch: merge patch must be a JSON object');
    patched = applyMergePatch(old, patch);
  } else {
    try {
      patched = applyStrategicMergePatch(old, patch, smpSchemaOf(rt));
    } catch (e) {
      if (e instanceof SmpError) throw badRequest(e.message);
      throw e;
    }
  }
  if (!isObject(patched) || !isObject(patched.metadata))
    throw badRequest('patched object is not a JSON object with metadata');
  const obj = patched as KObject;
  const rv = obj.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict(rt, target.name);
  if (obj.metadata.name !== old.metadata.name)
    throw badRequest('metadata.name: Invalid value: the name of the object may not change');
  obj.metadata.namespace = old.metadata.namespace;
  if (rt.crd && obj.apiVersion === old.apiVersion) obj.apiVersion = rt.apiVersion;
  return api.commitUpdate(rt, old, obj, target.sub, opts);
}
