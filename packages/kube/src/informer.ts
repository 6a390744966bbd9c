// Informers: a typed cache of one resource kept current by list + watch, with handlers.
//
// Built on client-node 1.x ListWatch (the machinery behind makeInformer), which lists, watches
// from the list's resourceVersion, rewatches on a clean server close and relists after
// 410 Gone. What it does not do, this wrapper adds:
// - restart with exponential backoff after any other error (ListWatch stops for good);
// - a `synced` signal (first list processed and watch connected);
// - handlers that receive the old object on update, and are isolated from each other's throws;
// - optional periodic resync (every cached object delivered again as an update);
// - lists as plain JSON through HttpKubeApi, paginated, so list and watch objects look alike
//   (ListWatch's own list goes through the typed API, which turns timestamps into Dates).
import { ListWatch, Watch } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeApi } from './api-client.js';
import { systemClock } from './clock.js';
import type { Clock, Timer } from './clock.js';
import type { RuntimeMetrics } from './metrics.js';
import { PerKeyBackoff } from './rate-limit.js';
import type { BackoffOptions } from './rate-limit.js';
import { apiVersionOf, objectKey, resourcePath } from './resource.js';
import type { KubeObject, ResourceType } from './resource.js';

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  /** `oldObj` is the cached copy before the change (the same object on a resync). */
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

/** What consumers of a cache need; FakeInformer in @ironlb/kube/testing implements it too. */
export interface Informer<T extends KubeObject> {
  readonly resource: ResourceType;
  /** Every cached object. */
  list(): T[];
  /** The cached object with key `namespace/name` (or `name` for cluster-scoped kinds). */
  get(key: string): T | undefined;
  keys(): string[];
  readonly size: number;
  /**
   * Adds handlers; returns a function that removes them. Objects already cached are delivered
   * to `onAdd` at once, so late subscribers see the same stream as early ones.
   */
  addHandlers(handlers: InformerHandlers<T>): () => void;
  hasSynced(): boolean;
  /** Resolves once synced; rejects if the signal aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void>;
}

export interface InformerOptions {
  kubeConfig: KubeConfig;
  api: KubeApi;
  resource: ResourceType;
  /** Watch one namespace only (namespaced kinds). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size of lists (default 500). */
  pageSize?: number;
  /** Deliver every cached object again as an update this often (default: never). */
  resyncPeriodMs?: number;
  /** Delay between restarts after errors (default 200 ms doubling up to 30 s). */
  backoff?: BackoffOptions;
  clock?: Clock;
  logger?: Logger;
  metrics?: RuntimeMetrics;
}

interface ListBody {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
  kind?: string;
  apiVersion?: string;
}

export class ApiInformer<T extends KubeObject> implements Informer<T> {
  readonly resource: ResourceType;
  readonly #options: InformerOptions;
  readonly #clock: Clock;
  readonly #logger?: Logger;
  readonly #label: string;
  readonly #cache = new Map<string, T>();
  readonly #handlers = new Set<InformerHandlers<T>>();
  readonly #backoff: PerKeyBackoff<'restart'>;
  readonly #lw: ListWatch<KubernetesObject>;

  #started = false;
  #stopped = false;
  #synced = false;
  #syncWaiters: (() => void)[] = [];
  #listedThisAttempt = false;
  #failedThisAttempt = false;
  #restartTimer?: Timer;
  #resyncTimer?: Timer;

  constructor(options: InformerOptions) {
    this.resource = options.resource;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#label = options.resource.group
      ? `${options.resource.plural}.${options.resource.group}`
      : options.resource.plural;
    this.#logger = options.logger?.child({ component: 'informer', resource: this.#label });
    this.#backoff = new PerKeyBackoff(options.backoff ?? { baseMs: 200, maxMs: 30_000 });
    const path = resourcePath(options.resource, { namespace: options.namespace });
    this.#lw = new ListWatch<KubernetesObject>(
      path,
      new Watch(options.kubeConfig),
      () => this.#list(),
      false,
      options.labelSelector,
      options.fieldSelector,
    );
    this.#lw.on('add', (obj) => this.#onAdd(obj as T));
    this.#lw.on('update', (obj) => this.#onUpdate(obj as T));
    this.#lw.on('delete', (obj) => this.#onDelete(obj as T));
    this.#lw.on('error', (err) => this.#onError(err));
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

  hasSynced(): boolean {
    return this.#synced;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  addHandlers(handlers: InformerHandlers<T>): () => void {
    this.#handlers.add(handlers);
    for (const obj of this.#cache.values()) this.#call(handlers, 'onAdd', obj);
    return () => this.#handlers.delete(handlers);
  }

  /** Starts listing and watching; returns at once (see waitForSync). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#logger?.debug({ event: 'informerStarting' }, 'starting informer');
    void this.#attempt();
    this.#scheduleResync();
  }

  /** Stops watching. The cache stays readable. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#restartTimer?.cancel();
    this.#resyncTimer?.cancel();
    await this.#lw.stop();
  }

  async #attempt(): Promise<void> {
    if (this.#stopped) return;
    this.#listedThisAttempt = false;
    this.#failedThisAttempt = false;
    try {
      await this.#lw.start();
    } catch (err) {
      this.#onError(err);
      return;
    }
    if (this.#stopped || this.#failedThisAttempt) return;
    if (!this.#synced && (this.#listedThisAttempt || this.#lw.latestResourceVersion() !== ''))
      this.#markSynced();
  }

  #markSynced(): void {
    this.#synced = true;
    this.#options.metrics?.informerSynced.set({ resource: this.#label }, 1);
    this.#logger?.info({ event: 'informerSynced', objects: this.#cache.size }, 'informer synced');
    const waiters = this.#syncWaiters;
    this.#syncWaiters = [];
    for (const w of waiters) w();
  }

  async #list(): Promise<KubernetesListObject<KubernetesObject>> {
    const { api, resource, namespace, labelSelector, fieldSelector } = this.#options;
    const path = resourcePath(resource, { namespace });
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let cont: string | undefined;
    const apiVersion = apiVersionOf(resource);
    do {
      const page = await api.request<ListBody>({
        method: 'GET',
        path,
        query: { labelSelector, fieldSelector, limit: this.#options.pageSize ?? 500, continue: cont },
      });
      // List items come without apiVersion/kind; watch events carry them. Make them alike.
      for (const item of page.items ?? []) items.push({ apiVersion, kind: resource.kind, ...item });
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    this.#listedThisAttempt = true;
    this.#backoff.forget('restart');
    this.#options.metrics?.informerRelists.inc({ resource: this.#label });
    this.#logger?.debug({ event: 'listed', objects: items.length, resourceVersion }, 'listed');
    return {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion },
      items: items as KubernetesObject[],
    };
  }

  #onError(err: unknown): void {
    if (this.#stopped) return; // ListWatch reports its own abort when stopped
    this.#failedThisAttempt = true;
    const delay = this.#backoff.next('restart');
    this.#options.metrics?.informerErrors.inc({ resource: this.#label });
    this.#logger?.warn(
      { event: 'informerError', err, retryInMs: delay },
      'list or watch failed; restarting with backoff',
    );
    this.#restartTimer?.cancel();
    this.#restartTimer = this.#clock.setTimer(delay, () => void this.#attempt());
  }

  #onAdd(obj: T): void {
    const key = objectKey(obj);
    const old = this.#cache.get(key);
    this.#cache.set(key, obj);
    this.#count('add');
    // Both caches are fed by the same callbacks, so `old` is expected to be absent; if it is
    // not, the handlers still see a consistent old -> new transition.
    if (old) this.#emit('onUpdate', old, obj);
    else this.#emit('onAdd', obj);
  }

  #onUpdate(obj: T): void {
    const key = objectKey(obj);
    const old = this.#cache.get(key) ?? obj;
    this.#cache.set(key, obj);
    this.#count('update');
    this.#emit('onUpdate', old, obj);
  }

  #onDelete(obj: T): void {
    const key = objectKey(obj);
    const old = this.#cache.get(key);
    this.#cache.delete(key);
    this.#count('delete');
    this.#emit('onDelete', obj ?? old);
  }

  #count(type: string): void {
    this.#options.metrics?.informerEvents.inc({ resource: this.#label, type });
    this.#options.metrics?.informerObjects.set({ resource: this.#label }, this.#cache.size);
  }

  #emit(kind: 'onAdd' | 'onDelete', obj: T): void;
  #emit(kind: 'onUpdate', old: T, obj: T): void;
  #emit(kind: keyof InformerHandlers<T>, a: T, b?: T): void {
    for (const h of this.#handlers) this.#call(h, kind, a, b);
  }

  #call(h: InformerHandlers<T>, kind: keyof InformerHandlers<T>, a: T, b?: T): void {
    try {
      if (kind === 'onUpdate') h.onUpdate?.(a, b as T);
      else h[kind]?.(a);
    } catch (err) {
      this.#logger?.error({ event: 'handlerThrew', err, handler: kind }, 'informer handler threw');
    }
  }

  #scheduleResync(): void {
    const period = this.#options.resyncPeriodMs;
    if (!period || this.#stopped) return;
    this.#resyncTimer = this.#clock.setTimer(period, () => {
      if (this.#synced) for (const obj of this.#cache.values()) this.#emit('onUpdate', obj, obj);
      this.#scheduleResync();
    });
  }
}
