// The garbage collector's cascade, done inline (`pkg/controller/garbagecollector`): when an
// object is removed, every dependent that names it in `ownerReferences` and has no other
// owner left is deleted in the background (through the normal DELETE path, so finalizers
// hold as usual). `propagationPolicy: Orphan` instead strips the owner reference from the
// dependents. Dependents are indexed by owner uid as writes commit.
import type { KObject } from '../kobject.js';
import { objectKey } from '../kobject.js';
import type { Registry } from '../kinds/registry.js';
import type { ResourceType } from '../kinds/resource-type.js';
import type { Bucket, Store } from '../store/store.js';
import type { StoredEvent } from '../watch/watch-hub.js';
import type { ObjectApi } from './object-api.js';

interface OwnerRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
}

function ownersOf(obj: KObject | undefined): OwnerRef[] {
  const refs = obj?.metadata.ownerReferences;
  return Array.isArray(refs) ? (refs as OwnerRef[]).filter((r) => r && typeof r.uid === 'string') : [];
}

const SEP = '\u0000';

export class GarbageCollector {
  /** owner uid -> `bucketId\0key` of its dependents */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly timers = new Set<NodeJS.Immediate>();

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly api: ObjectApi,
  ) {
    store.onCommit((b, ev) => this.onCommit(b, ev));
  }

  /** Indexes objects loaded without events (restart from a data directory). */
  rebuild(): void {
    for (const b of this.store.allBuckets())
      for (const [key, obj] of b.objects)
        for (const r of ownersOf(obj)) this.link(r.uid!, `${b.id}${SEP}${key}`);
  }

  private link(uid: string, dep: string): void {
    let set = this.dependents.get(uid);
    if (!set) this.dependents.set(uid, (set = new Set()));
    set.add(dep);
  }

  private unlink(uid: string, dep: string): void {
    const set = this.dependents.get(uid);
    if (!set) return;
    set.delete(dep);
    if (set.size === 0) this.dependents.delete(uid);
  }

  private onCommit(b: Bucket, ev: StoredEvent): void {
    const before = ownersOf(ev.type === 'MODIFIED' ? ev.prev : ev.type === 'DELETED' ? ev.object : undefined);
    const after = ownersOf(ev.type === 'DELETED' ? undefined : ev.object);
    if (before.length || after.length) {
      const dep = `${b.id}${SEP}${objectKey(ev.object.metadata.namespace, ev.object.metadata.name!)}`;
      for (const r of before) this.unlink(r.uid!, dep);
      for (const r of after) this.link(r.uid!, dep);
    }
    const uid = ev.object.metadata.uid;
    if (ev.type === 'DELETED' && uid && this.dependents.has(uid)) {
      const t = setImmediate(() => {
        this.timers.delete(t);
        this.collect(uid);
      });
      this.timers.add(t);
    }
  }

  private typeOfBucket(bucketId: string): ResourceType | undefined {
    return this.registry.all().find((t) => t.bucketId === bucketId);
  }

  private dependentObjects(uid: string): { rt: ResourceType; obj: KObject }[] {
    const out: { rt: ResourceType; obj: KObject }[] = [];
    for (const dep of this.dependents.get(uid) ?? []) {
      const [bucketId, key] = dep.split(SEP) as [string, string];
      const rt = this.typeOfBucket(bucketId);
      const obj = rt ? this.store.bucket(bucketId).objects.get(key) : undefined;
      if (rt && obj) out.push({ rt, obj });
    }
    return out;
  }

  private ownerExists(ref: OwnerRef, dependent: KObject): boolean {
    const rt = this.registry.all().find((t) => t.apiVersion === ref.apiVersion && t.kind === ref.kind);
    if (!rt || !ref.name) return false;
    const owner = this.store.get(
      this.store.bucket(rt.bucketId),
      rt.namespaced ? dependent.metadata.namespace : undefined,
      ref.name,
    );
    return owner?.metadata.uid === ref.uid;
  }

  private collect(uid: string): void {
    for (const { rt, obj } of this.dependentObjects(uid)) {
      if (obj.metadata.deletionTimestamp) continue;
      if (ownersOf(obj).some((r) => r.uid !== uid && this.ownerExists(r, obj))) continue;
      try {
        this.api.delete(rt, obj.metadata.namespace, obj.metadata.name!, { dryRun: false });
      } catch {
        // gone already, or refused: the real collector retries; nothing to do here
      }
    }
  }

  /** `propagationPolicy: Orphan`: the dependents lose their reference to this owner. */
  orphan(uid: string): void {
    for (const { rt, obj } of this.dependentObjects(uid)) {
      const refs = ownersOf(obj).filter((r) => r.uid !== uid);
      const updated: KObject = { ...obj, metadata: { ...obj.metadata } };
      if (refs.length) updated.metadata.ownerReferences = refs as KObject['metadata']['ownerReferences'];
      else delete updated.metadata.ownerReferences;
      this.store.update(this.store.bucket(rt.bucketId), updated, obj);
    }
  }

  stop(): void {
    for (const t of this.timers) clearImmediate(t);
  }
}
