// Informers: a typed cache of one resource kept current by list + watch, with handlers.
//
// The reflector loop of client-go (and client-node's ListWatch, whose behaviour it keeps), on
// our own HTTP client:
// - list (paged, plain JSON through the KubeApi), then watch from the list's resourceVersion;
// - on a clean server close, watch again from the last resourceVersion seen (no relist);
// - on 410 Gone (an HTTP answer or an ERROR event), relist: objects missing from the new list
//   are delivered as deletes, changed ones as updates, unchanged ones not at all;
// - after any other error, restart with exponential backoff (from the last resourceVersion);
// - a `synced` signal (first list processed and watch connected);
// - handlers that receive the old object on update, and are isolated from each other's throws;
// - optional periodic resync (every cached object delivered again as an update);
// - an optional `transform` that turns each object, as it arrives, into what is cached (a
//   projection keeps only the fields a controller reads, so the cache holds less).
// Watch events are decoded line by line straight from the response text (watch-stream.ts).
import type { Logger } from 'pino';
import { HttpKubeApi } from './api-client.js';
import type { KubeApi } from './api-client.js';
import type { ClusterAccess } from './cluster-access.js';
import { systemClock } from './clock.js';
import type { Clock, Timer } from './clock.js';
import { isKubeApiError } from './errors.js';
import type { RuntimeMetrics } from './metrics.js';
import { PerKeyBackoff } from './rate-limit.js';
import type { BackoffOptions } from './rate-limit.js';
import { apiVersionOf, objectKey, resourcePath } from './resource.js';
import type { KubeObject, ResourceType } from './resource.js';
import { isWatchApi } from './watch-stream.js';
import type { KubeWatchApi, WatchEvent, WatchHandle } from './watch-stream.js';

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
  /** Where to watch from when `api` cannot (client-node's KubeConfig, or loadClusterAccess's). */
  kubeConfig: ClusterAccess;
  /** Lists go through it; so do watches when it can open them (HttpKubeApi), else a client of kubeConfig. */
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
  /**
   * Turns each object from a list or watch into the cached one (default: kept as sent). It
   * must keep `metadata.name`, `namespace` and `resourceVersion`, and may return the object
   * it is given, changed.
   */
  transform?: (obj: KubeObject) => KubeObject;
  clock?: Clock;
  logger?: Logger;
  metrics?: RuntimeMetrics;
}

interface ListBody {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
}

export class ApiInformer<T extends KubeObject> implements Informer<T> {
  readonly resource: ResourceType;
  readonly #options: InformerOptions;
  readonly #clock: Clock;
  readonly #logger?: Logger;
  readonly #label: string;
  readonly #path: string;
  readonly #cache = new Map<string, T>();
  readonly #handlers = new Set<InformerHandlers<T>>();
  readonly #backoff: PerKeyBackoff<'restart'>;
  readonly #transform: (obj: KubeObject) => KubeObject;
  #watchApi?: KubeWatchApi;
  /** An HTTP client made from kubeConfig when `api` cannot watch; closed on stop. */
  #ownClient?: HttpKubeApi;
  #metricChildren?: {
    add: { inc(): void };
    update: { inc(): void };
    delete: { inc(): void };
    objects: { set(v: number): void };
  };

  #started = false;
  #stopped = false;
  #synced = false;
  #syncWaiters: (() => void)[] = [];
  /** The last resourceVersion seen; `''` means the next attempt lists. */
  #resourceVersion = '';
  /** Counts attempts, so callbacks of an abandoned attempt are ignored. */
  #attemptId = 0;
  #watch?: WatchHandle;
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
    this.#path = resourcePath(options.resource, { namespace: options.namespace });
    this.#transform = options.transform ?? ((o) => o);
    const m = options.metrics;
    if (m) {
      const resource = this.#label;
      this.#metricChildren = {
        add: m.informerEvents.labels({ resource, type: 'add' }),
        update: m.informerEvents.labels({ resource, type: 'update' }),
        delete: m.informerEvents.labels({ resource, type: 'delete' }),
        objects: m.informerObjects.labels({ resource }),
      };
    }
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
    this.#attemptId++;
    this.#restartTimer?.cancel();
    this.#resyncTimer?.cancel();
    this.#watch?.close();
    this.#watch = undefined;
    this.#ownClient?.close();
  }

  /** One round: list when needed, then watch until the stream ends or fails. */
  async #attempt(): Promise<void> {
    if (this.#stopped) return;
    const id = ++this.#attemptId;
    this.#watch?.close();
    this.#watch = undefined;
    if (this.#resourceVersion === '') {
      let listed: { items: KubeObject[]; resourceVersion: string };
      try {
        listed = await this.#list();
      } catch (err) {
        if (id === this.#attemptId) this.#onError(err);
        return;
      }
      if (id !== this.#attemptId) return;
      this.#replace(listed.items);
      this.#resourceVersion = listed.resourceVersion;
    }
    const { labelSelector, fieldSelector } = this.#options;
    this.#watch = this.#watcher().watch(
      {
        path: this.#path,
        query: { resourceVersion: this.#resourceVersion, labelSelector, fieldSelector },
      },
      {
        onOpen: () => {
          if (id !== this.#attemptId) return;
          this.#backoff.forget('restart');
          if (!this.#synced) this.#markSynced();
        },
        onEvent: (ev) => {
          if (id === this.#attemptId) this.#onEvent(ev);
        },
        onMalformed: (line) =>
          this.#logger?.debug({ event: 'watchLineDropped', bytes: line.length }, 'not a watch event'),
        onClose: (err) => {
          if (id !== this.#attemptId || this.#stopped) return;
          this.#watch = undefined;
          if (err === undefined) return void this.#attempt();
          if (isKubeApiError(err) && err.statusCode === 410) {
            this.#resourceVersion = '';
            return void this.#attempt();
          }
          this.#onError(err);
        },
      },
    );
  }

  #watcher(): KubeWatchApi {
    if (this.#watchApi) return this.#watchApi;
    if (isWatchApi(this.#options.api)) this.#watchApi = this.#options.api;
    else {
      this.#ownClient = new HttpKubeApi(this.#options.kubeConfig);
      this.#watchApi = this.#ownClient;
    }
    return this.#watchApi;
  }

  #markSynced(): void {
    this.#synced = true;
    this.#options.metrics?.informerSynced.set({ resource: this.#label }, 1);
    this.#logger?.info({ event: 'informerSynced', objects: this.#cache.size }, 'informer synced');
    const waiters = this.#syncWaiters;
    this.#syncWaiters = [];
    for (const w of waiters) w();
  }

  async #list(): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const { api, labelSelector, fieldSelector } = this.#options;
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let cont: string | undefined;
    const apiVersion = apiVersionOf(this.resource);
    const kind = this.resource.kind;
    do {
      const page = await api.request<ListBody>({
        method: 'GET',
        path: this.#path,
        query: { labelSelector, fieldSelector, limit: this.#options.pageSize ?? 500, continue: cont },
      });
      // List items come without apiVersion/kind; watch events carry them. Make them alike.
      for (const item of page.items ?? []) items.push(this.#transform({ apiVersion, kind, ...item }));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    this.#options.metrics?.informerRelists.inc({ resource: this.#label });
    this.#logger?.debug({ event: 'listed', objects: items.length, resourceVersion }, 'listed');
    return { items, resourceVersion };
  }

  /** A fresh list: deletes for the objects gone, then adds and updates (same version: nothing). */
  #replace(items: KubeObject[]): void {
    const listed = new Set<string>();
    for (const item of items) listed.add(objectKey(item));
    for (const [key, old] of this.#cache) {
      if (listed.has(key)) continue;
      this.#cache.delete(key);
      this.#count('delete');
      this.#emit('onDelete', old);
    }
    for (const item of items) this.#upsert(item as T);
  }

  #onEvent(ev: WatchEvent): void {
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.#upsert(this.#transform(ev.object) as T);
        break;
      case 'DELETED':
        this.#remove(this.#transform(ev.object) as T);
        break;
      case 'BOOKMARK':
        break;
      case 'ERROR':
        // 410: the stream ends next; relist then. Other errors: the server closes or carries on.
        if (ev.object.code === 410) this.#resourceVersion = '';
        else
          this.#logger?.debug(
            { event: 'watchErrorEvent', code: ev.object.code, reason: ev.object.reason },
            'watch ERROR event',
          );
        return;
    }
    this.#resourceVersion = ev.object.metadata?.resourceVersion ?? '';
  }

  #upsert(obj: T): void {
    const key = objectKey(obj);
    const old = this.#cache.get(key);
    if (!old) {
      this.#cache.set(key, obj);
      this.#count('add');
      this.#emit('onAdd', obj);
      return;
    }
    const rv = old.metadata?.resourceVersion;
    if (rv !== undefined && rv !== null && rv === obj.metadata?.resourceVersion) return;
    this.#cache.set(key, obj);
    this.#count('update');
    this.#emit('onUpdate', old, obj);
  }

  #remove(obj: T): void {
    const key = objectKey(obj);
    this.#cache.delete(key);
    this.#count('delete');
    this.#emit('onDelete', obj);
  }

  #onError(err: unknown): void {
    if (this.#stopped) return;
    const delay = this.#backoff.next('restart');
    this.#options.metrics?.informerErrors.inc({ resource: this.#label });
    this.#logger?.warn(
      { event: 'informerError', err, retryInMs: delay },
      'list or watch failed; restarting with backoff',
    );
    this.#restartTimer?.cancel();
    this.#restartTimer = this.#clock.setTimer(delay, () => void this.#attempt());
  }

  #count(type: 'add' | 'update' | 'delete'): void {
    const c = this.#metricChildren;
    if (!c) return;
    c[type].inc();
    c.objects.set(this.#cache.size);
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
