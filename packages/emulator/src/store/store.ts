// The MVCC store: one global resourceVersion counter (etcd's revision) shared by every
// resource type, the current objects per type, and each type's watch hub. Committed objects
// are never mutated afterwards (writers build new objects), so reads, lists and watch events
// share them without copying and their JSON encoding is cached.
import type { KObject } from '../kobject.js';
import { objectKey } from '../kobject.js';
import type { StoredEvent } from '../watch/watch-hub.js';
import { WatchHub } from '../watch/watch-hub.js';

export interface Bucket {
  readonly id: string;
  readonly objects: Map<string, KObject>;
  readonly hub: WatchHub;
  sortedKeys: string[] | null;
}

export interface StoreOptions {
  /** Events each resource type keeps for watch resumption before it compacts (default 5000). */
  retainEvents?: number;
  /** The first resourceVersion handed out will be startRv + 1. */
  startRv?: number;
}

export type CommitListener = (bucket: Bucket, ev: StoredEvent) => void;

const jsonCache = new WeakMap<KObject, string>();

/** The JSON text of a committed object, encoded once. */
export function objectJson(obj: KObject): string {
  let s = jsonCache.get(obj);
  if (s === undefined) {
    s = JSON.stringify(obj);
    jsonCache.set(obj, s);
  }
  return s;
}

export class Store {
  private rvCounter: number;
  /** The RV below which no history exists (startup or restore): older watches get 410. */
  private historyStart: number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly retain: number;
  private readonly listeners: CommitListener[] = [];

  constructor(opts: StoreOptions = {}) {
    this.rvCounter = opts.startRv ?? 0;
    this.historyStart = this.rvCounter;
    this.retain = opts.retainEvents ?? 5000;
  }

  /** The current global resourceVersion (what a list returns). */
  get rv(): number {
    return this.rvCounter;
  }

  /** Moves the counter forward (never back): used when restoring persisted state. */
  advanceTo(rv: number): void {
    if (rv > this.rvCounter) this.rvCounter = rv;
    this.historyStart = this.rvCounter;
    for (const b of this.buckets.values())
      if (b.hub.compactedRv < this.rvCounter) b.hub.compactedRv = this.rvCounter;
  }

  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  bucket(id: string): Bucket {
    let b = this.buckets.get(id);
    if (!b) {
      b = {
        id,
        objects: new Map(),
        hub: new WatchHub({ retainEvents: this.retain }, this.historyStart),
        sortedKeys: null,
      };
      this.buckets.set(id, b);
    }
    return b;
  }

  allBuckets(): IterableIterator<Bucket> {
    return this.buckets.values();
  }

  get(b: Bucket, namespace: string | undefined, name: string): KObject | undefined {
    return b.objects.get(objectKey(namespace, name));
  }

  /** Objects in key order (namespace, then name), optionally within one namespace. */
  list(b: Bucket, namespace?: string): KObject[] {
    if (!b.sortedKeys) b.sortedKeys = [...b.objects.keys()].sort();
    const out: KObject[] = [];
    if (namespace) {
      const prefix = `${namespace}/`;
      for (const k of b.sortedKeys) if (k.startsWith(prefix)) out.push(b.objects.get(k)!);
    } else {
      for (const k of b.sortedKeys) out.push(b.objects.get(k)!);
    }
    return out;
  }

  private stamp(obj: KObject): number {
    const rv = ++this.rvCounter;
    obj.metadata.resourceVersion = String(rv);
    return rv;
  }

  private commit(b: Bucket, ev: StoredEvent): void {
    b.hub.append(ev);
    for (const l of this.listeners) l(b, ev);
  }

  /** Commits a new object (the caller checked that the key is free). */
  create(b: Bucket, obj: KObject): KObject {
    const rv = this.stamp(obj);
    b.objects.set(objectKey(obj.metadata.namespace, obj.metadata.name!), obj);
    b.sortedKeys = null;
    this.commit(b, { type: 'ADDED', rv, object: obj });
    return obj;
  }

  /** Commits a changed object in place of `prev` (the caller checked that it changed). */
  update(b: Bucket, obj: KObject, prev: KObject): KObject {
    const rv = this.stamp(obj);
    b.objects.set(objectKey(obj.metadata.namespace, obj.metadata.name!), obj);
    this.commit(b, { type: 'MODIFIED', rv, object: obj, prev });
    return obj;
  }

  /** Removes an object; the DELETED event carries its last state with the deletion's RV. */
  remove(b: Bucket, prev: KObject): KObject {
    const last: KObject = { ...prev, metadata: { ...prev.metadata } };
    const rv = this.stamp(last);
    b.objects.delete(objectKey(prev.metadata.namespace, prev.metadata.name!));
    b.sortedKeys = null;
    this.commit(b, { type: 'DELETED', rv, object: last });
    return last;
  }

  /** Loads an object from persisted state without an event. */
  restore(b: Bucket, obj: KObject): void {
    b.objects.set(objectKey(obj.metadata.namespace, obj.metadata.name!), obj);
    b.sortedKeys = null;
  }

  /** Forgets the event history of every type: any watch from an older RV gets 410. */
  compactAll(): void {
    for (const b of this.buckets.values()) b.hub.compact(this.rvCounter);
  }

  dropAllWatches(): void {
    for (const b of this.buckets.values()) b.hub.dropAll();
  }
}
