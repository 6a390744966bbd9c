// What the real control plane's controllers would do, done inline: the namespace controller
// (empty a terminating namespace, then remove it) and the CRD controllers (serve the
// kinds a CRD defines as soon as it is written; delete its custom resources before it goes).
import type { KObject } from '../kobject.js';
import { customResourceTypes, isCrdObject } from '../kinds/custom-resource.js';
import type { Registry } from '../kinds/registry.js';
import type { ResourceType } from '../kinds/resource-type.js';
import type { Store } from '../store/store.js';
import type { ObjectApi } from './object-api.js';

export interface ControllerDeps {
  api: ObjectApi;
  store: Store;
  registry: Registry;
  namespaceType: ResourceType;
  crdType: ResourceType;
}

export function installControllers(d: ControllerDeps): { stop(): void } {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  function syncCrd(crd: KObject): void {
    if (!isCrdObject(crd)) return;
    const spec = crd.spec;
    d.registry.remove(spec.group, spec.names.plural);
    for (const rt of customResourceTypes(crd.metadata.name!, spec)) d.registry.add(rt);
  }

  function emptyNamespace(ns: string): void {
    if (stopped) return;
    let remaining = 0;
    for (const rt of d.registry.all()) {
      if (!rt.namespaced) continue;
      const b = d.store.bucket(rt.bucketId);
      for (const o of d.store.list(b, ns)) {
        remaining++;
        if (!o.metadata.deletionTimestamp) d.api.delete(rt, ns, o.metadata.name!, { dryRun: false });
      }
    }
    const nsb = d.store.bucket(d.namespaceType.bucketId);
    const nsObj = d.store.get(nsb, undefined, ns);
    if (!nsObj) return;
    let left = 0;
    for (const rt of d.registry.all())
      if (rt.namespaced) left += d.store.list(d.store.bucket(rt.bucketId), ns).length;
    if (left === 0) d.api.finalize(d.namespaceType, nsb, nsObj, d.api.ctx());
    else if (remaining > 0) {
      const t = setTimeout(() => {
        timers.delete(t);
        emptyNamespace(ns);
      }, 100);
      t.unref();
      timers.add(t);
    }
  }

  d.api.hooks = {
    afterCommit(rt, obj, deleted) {
      if (rt === d.crdType && !deleted) syncCrd(obj);
      if (rt === d.namespaceType && !deleted && obj.metadata.deletionTimestamp) {
        const ns = obj.metadata.name!;
        setImmediate(() => emptyNamespace(ns));
      }
    },
    beforeRemove(rt, obj) {
      if (rt !== d.crdType || !isCrdObject(obj)) return;
      const spec = obj.spec;
      const served = d.registry.all().find((t) => t.group === spec.group && t.plural === spec.names.plural);
      if (served) {
        const b = d.store.bucket(served.bucketId);
        for (const o of d.store.list(b)) d.api.finalize(served, b, o, d.api.ctx());
        b.hub.dropAll();
      }
      d.registry.remove(spec.group, spec.names.plural);
    },
  };

  return {
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
    },
  };
}

/** Serves the kinds of every stored CRD (after a restart from persisted state). */
export function syncAllCrds(d: ControllerDeps): void {
  for (const crd of d.store.list(d.store.bucket(d.crdType.bucketId))) {
    if (!isCrdObject(crd)) continue;
    for (const rt of customResourceTypes(crd.metadata.name!, crd.spec)) d.registry.add(rt);
  }
}
