// How a stored custom resource is served through one version of its CRD: the "None"
// conversion rewrites `apiVersion`, and the schema's defaults are applied on read too (so a
// default added to a CRD shows on objects written before it), as the real server does.
// Results are cached per stored object and served type.
import { clone, deepEqual } from '../json-value.js';
import type { KObject } from '../kobject.js';
import type { ResourceType } from '../kinds/resource-type.js';
import { applyDefaults } from '../schema/schema-default.js';

const cache = new WeakMap<KObject, { rt: ResourceType; served: KObject }>();

export function servedAs(rt: ResourceType, obj: KObject): KObject {
  if (!rt.crd || obj.kind !== rt.kind) return obj;
  const hit = cache.get(obj);
  if (hit && hit.rt === rt) return hit.served;
  let served = obj;
  const schema = rt.crd.schema;
  if (schema) {
    const defaulted = clone(obj);
    applyDefaults(defaulted, schema);
    if (!deepEqual(defaulted, obj)) served = defaulted;
  }
  if (served.apiVersion !== rt.apiVersion) served = { ...served, apiVersion: rt.apiVersion };
  cache.set(obj, { rt, served });
  return served;
}
