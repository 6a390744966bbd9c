// Custom resources are stored once for all served versions of their CRD ("None" conversion).
import type { KObject } from '../kobject.js';
import type { ResourceType } from '../kinds/resource-type.js';

const servedCopies = new WeakMap<KObject, KObject>();

/**
 * A custom resource read through another served version than the one it was written with:
 * the "None" conversion only rewrites `apiVersion` (copies are cached per stored object).
 */
export function servedAs(rt: ResourceType, obj: KObject): KObject {
  if (!rt.crd || obj.apiVersion === rt.apiVersion || obj.kind !== rt.kind) return obj;
  let copy = servedCopies.get(obj);
  if (!copy || copy.apiVersion !== rt.apiVersion) {
    copy = { ...obj, apiVersion: rt.apiVersion };
    servedCopies.set(obj, copy);
  }
  return copy;
}
