// An informer whose cache the test fills: set() and delete() call the handlers as a real
// informer would.
import type { Informer, InformerHandlers } from '../informer.js';
import { objectKey } from '../resource.js';
import type { KubeObject, ResourceType } from '../resource.js';

export class FakeInformer<T extends KubeObject> implements Informer<T> {
  readonly resource: ResourceType;
  readonly #cache = new Map<string, T>();
  readonly #handlers = new Set<InformerHandlers<T>>();
  #synced: boolean;
  #waiters: (() => void)[] = [];

  constructor(resource: ResourceType, options: { synced?: boolean; objects?: T[] } = {}) {
    this.resource = resource;
    this.#synced = options.synced ?? true;
    for (const o of options.objects ?? []) this.#cache.set(objectKey(o), o);
  }

  get size(): number {
    return this.#cache.size;
  }

  list(): T[] {
    return [...this.#cache.values()];
  }

  get(key: string): T | undefined {
    return this.#cache.get(key);
  }

  keys(): string[] {
    return [...this.#cache.keys()];
  }

  addHandlers(handlers: InformerHandlers<T>): () => void {
    this.#handlers.add(handlers);
    for (const o of this.#cache.values()) handlers.onAdd?.(o);
    return () => this.#handlers.delete(handlers);
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  waitForSync(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  markSynced(): void {
    this.#synced = true;
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Adds or replaces an object, calling onAdd or onUpdate. */
  set(obj: T): void {
    const key = objectKey(obj);
    const old = this.#cache.get(key);
    this.#cache.set(key, obj);
    for (const h of this.#handlers) {
      if (old) h.onUpdate?.(old, obj);
      else h.onAdd?.(obj);
    }
  }

  delete(key: string): void {
    const old = this.#cache.get(key);
    if (!old) return;
    this.#cache.delete(key);
    for (const h of this.#handlers) h.onDelete?.(old);
  }
}
