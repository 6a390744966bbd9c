// One term of leadership: from "this replica became leader" to "it stopped leading". A term
// owns the allocation state and the work queue; a new term starts from nothing and rebuilds.
//
// Start of a term, in order (nothing new is handed out before step 4):
//   1. wait until every informer has synced;
//   2. LIST the Services again, unless the informers listed after the term began (a standby's
//      watch may lag behind what the old leader wrote before it stopped);
//   3. build the configuration and give the pools to the allocator;
//   4. restore every address that Services' status shows (the Service created first wins a
//      contested address), then reserve what orphans keep;
//   5. queue every Service, and serve changes as they come.
import type {
  Clock,
  EventRecorder,
  Informer,
  KubeApi,
  ReconcileResult,
  StatusWriteResult,
  StatusWriter,
  Timer,
} from '@ironlb/kube';
import { WorkQueue, done, objectKey, resourcePath, sleep } from '@ironlb/kube';
import type { RuntimeMetrics } from '@ironlb/kube';
import type { Logger } from 'pino';
import { ServiceEvent } from './api-names.js';
import { AllocationState, type OrphanPolicy, scopeKeyOf } from './allocation-state.js';
import { ConfigState } from './config-state.js';
import type { ConfigStatusReporter } from './config-status-reporter.js';
import type { ControllerMetrics } from './controller-metrics.js';
import { reconcileService } from './reconcile-service.js';
import { type ConfigListName, services as serviceResource } from './resources.js';
import { type AliasUse, type ClassFilter, readService } from './service-adapter.js';
import { projectService } from './service-projection.js';
import { type UsageOf, serviceEvents, serviceWrite } from './service-status.js';
import type { Namespace, Service } from './service-types.js';

/** What a term needs from the controller. */
export interface TermContext {
  readonly api: KubeApi;
  readonly services: Informer<Service>;
  readonly namespaces: Informer<Namespace>;
  readonly config: Readonly<Record<ConfigListName, Informer<never>>>;
  readonly waitForSync: (signal: AbortSignal) => Promise<void>;
  /** Whether the informers listed after `time` (so their caches show what any old leader wrote). */
  readonly cachesListedAfter: (time: number) => boolean;
  readonly writer: StatusWriter;
  readonly recorder: EventRecorder;
  readonly reporter: (counters: AllocationState) => ConfigStatusReporter;
  readonly filter: ClassFilter;
  readonly policy: OrphanPolicy;
  readonly concurrency: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly runtimeMetrics?: RuntimeMetrics;
  readonly metrics?: ControllerMetrics;
  /** How often every waiting Service is retried, whatever happened (default 30 s). */
  readonly sweepIntervalMs: number;
  /** Called once the term has restored every allocation and processed every Service once. */
  readonly onReady: (info: { restoreMs: number; services: number }) => void;
}

const CONFIG_KEY = '!config';
/** Waiting Services woken per freed address batch (the rest wait for the next one, or the sweep). */
const WAKE_PER_FREE = 8;

export class LeaderTerm {
  readonly state: AllocationState;
  readonly #c: TermContext;
  readonly #signal: AbortSignal;
  readonly #queue: WorkQueue;
  readonly #config = new ConfigState();
  readonly #logger: Logger;
  #reporter?: ConfigStatusReporter;
  #restored = false;
  #sweepTimer?: Timer;
  #stopped = false;
  /** The objects our writes returned, newer than the cache until the watch catches up. */
  readonly #written = new Map<string, Service>();
  /**
   * Keys whose status write is in flight, with the resourceVersions of the watch events that
   * arrived meanwhile (`undefined`: a delete). The echo of our own write often arrives before the
   * write's response; it is recognised when the response comes instead of being handled again.
   */
  readonly #inFlight = new Map<string, (string | undefined)[]>();
  readonly #aliasNoticed = new Set<string>();
  #countersSeen = -1;

  constructor(context: TermContext, signal: AbortSignal) {
    this.#c = context;
    this.#signal = signal;
    this.state = new AllocationState({ policy: context.policy });
    this.#logger = context.logger.child({ component: 'leader-term' });
    this.#queue = new WorkQueue({
      name: 'services',
      concurrency: context.concurrency,
      clock: context.clock,
      ...(context.runtimeMetrics ? { metrics: context.runtimeMetrics } : {}),
      logger: context.logger,
    });
  }

  get restored(): boolean {
    return this.#restored;
  }

  /**
   * Runs the start of the term, after `previous` (the end of the last term) resolves; resolves
   * when every Service has been processed once (or the term ended).
   */
  async run(previous: Promise<void> = Promise.resolve()): Promise<void> {
    const started = this.#c.clock.now();
    try {
      await previous;
      const fromCache = this.#c.cachesListedAfter(started);
      await this.#c.waitForSync(this.#signal);
      const fresh = fromCache ? this.#c.services.list() : await this.#listServices();
      if (this.#stopped) return;
      this.#reporter = this.#c.reporter(this.state);
      this.#applyConfig();
      const restoredCount = this.#restore(fresh);
      this.#restored = true;
      const restoreMs = this.#c.clock.now() - started;
      this.#c.metrics?.restoreSeconds.set(restoreMs / 1000);
      this.#logger.info(
        { event: 'restored', services: fresh.length, restored: restoredCount, ms: restoreMs, fromCache },
        'restored every allocation from Service status',
      );
      for (const s of fresh) this.#queue.add(objectKey(s));
      for (const key of this.#c.services.keys()) this.#queue.add(key);
      this.#queue.start((key) => this.#handle(key));
      this.#armSweep();
      await this.#queue.whenIdle();
      if (this.#stopped) return;
      this.#c.onReady({ restoreMs, services: fresh.length });
    } catch (err) {
      if (this.#stopped) return;
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#sweepTimer?.cancel();
    await this.#queue.shutdown();
    await this.#reporter?.stop();
  }

  // --- informer events (the controller forwards them while this term is current) ---

  serviceChanged(key: string, obj?: Service): void {
    const written = this.#written.get(key);
    if (written && obj && written.metadata.resourceVersion === obj.metadata.resourceVersion) {
      // The echo of our own write: the cache has caught up, nothing to do.
      this.#written.delete(key);
      return;
    }
    const seen = this.#inFlight.get(key);
    if (seen) {
      // Decided when the write returns: our own echo, or a change to handle again.
      seen.push(obj ? (obj.metadata.resourceVersion ?? '') : undefined);
      return;
    }
    this.#queue.add(key);
  }

  namespaceChanged(name: string): void {
    const prefix = `${name}/`;
    for (const key of this.#c.services.keys()) if (key.startsWith(prefix)) this.#queue.add(key);
  }

  configChanged(): void {
    if (this.#restored) this.#queue.add(CONFIG_KEY);
  }

  // --- the start of the term ---

  async #listServices(): Promise<Service[]> {
    const path = resourcePath(serviceResource);
    for (let attempt = 0; ; attempt++) {
      try {
        const list = await this.#c.api.request<{ items?: Service[] }>({ method: 'GET', path });
        return list.items ?? [];
      } catch (err) {
        if (this.#signal.aborted) throw err;
        this.#logger.warn({ event: 'listFailed', err, attempt }, 'could not list Services; retrying');
        await sleep(this.#c.clock, Math.min(5000, 100 * 2 ** attempt), this.#signal);
      }
    }
  }

  #restore(fresh: readonly Service[]): number {
    let count = 0;
    for (const listed of fresh) {
      const cached = this.#c.services.get(objectKey(listed));
      const svc = cached ? newer(cached, listed) : listed;
      const view = readService(svc, {
        filter: this.#c.filter,
        namespaceLabels: this.#namespaceLabels(svc.metadata.namespace),
      });
      if (!view.handled || view.statusIPs.length === 0) continue;
      this.state.restore(
        {
          ...view.request,
          ips: view.statusIPs,
          ...(view.statusPool !== undefined ? { pool: view.statusPool } : {}),
        },
        scopeKeyOf(view.request),
      );
      count++;
    }
    for (const svc of fresh) this.state.known.add(objectKey(svc));
    this.state.finishRestore();
    this.state.takeAffected();
    return count;
  }

  #namespaceLabels(name: string): Record<string, string> | undefined {
    return this.#c.namespaces.get(name)?.metadata.labels;
  }

  // --- work ---

  async #handle(key: string): Promise<ReconcileResult> {
    if (this.#stopped) return done;
    if (key === CONFIG_KEY) {
      this.#applyConfig();
      return done;
    }
    return this.#reconcile(key);
  }

  #applyConfig(): void {
    const c = this.#c.config;
    const update = this.#config.rebuild({
      ipAddressPools: c.ipAddressPools.list(),
      l2Advertisements: c.l2Advertisements.list(),
      bgpPeers: c.bgpPeers.list(),
      bgpAdvertisements: c.bgpAdvertisements.list(),
      bfdProfiles: c.bfdProfiles.list(),
    });
    this.#c.metrics?.setProblems(update.result.problems);
    if (update.poolsChanged) {
      const r = this.state.setPools(update.pools);
      if (!r.ok)
        this.#logger.error(
          { event: 'poolsRefused', reason: r.reason, detail: r.detail },
          'the allocator refused the validated pools (bug); keeping the previous ones',
        );
      else {
        this.#logger.info({ event: 'poolsApplied', pools: update.pools.map((p) => p.name) }, 'pools applied');
        this.#afterChange(undefined);
        for (const key of this.state.waiting.keys()) this.#queue.add(key);
      }
    }
    this.#reporter?.setStatuses(update.result.objects);
  }

  async #reconcile(key: string): Promise<ReconcileResult> {
    const cached = this.#c.services.get(key);
    const written = this.#written.get(key);
    const before = cached && written ? newer(cached, written) : (cached ?? undefined);
    if (written && before === cached) this.#written.delete(key);
    const view = before
      ? readService(before, {
          filter: this.#c.filter,
          namespaceLabels: this.#namespaceLabels(before.metadata.namespace),
        })
      : undefined;
    const result = reconcileService(this.state, key, view);
    this.#c.metrics?.reconciles.inc({ outcome: result.outcome.kind });
    this.#afterChange(key);
    if (result.freed) for (const k of this.state.wake(WAKE_PER_FREE)) if (k !== key) this.#queue.add(k);
    if (!before) {
      this.#written.delete(key);
      return done;
    }
    if (view?.handled && view.aliases.length > 0) this.#noticeAliases(before, view.aliases);
    const write = serviceWrite(before, result.outcome, { now: this.#c.clock.now(), usage: this.#usage });
    if (!write) return done;
    const seen: (string | undefined)[] = [];
    this.#inFlight.set(key, seen);
    let r: StatusWriteResult;
    try {
      r = await this.#c.writer.writeStatus(
        {
          resource: serviceResource,
          namespace: before.metadata.namespace,
          name: before.metadata.name,
          current: before,
        },
        write.status,
        { annotations: write.annotations },
      );
    } finally {
      this.#inFlight.delete(key);
    }
    // A write that succeeded had `before` as precondition: the only version between it and the
    // written one is ours, so an event carrying exactly that version is the echo.
    const writtenRV = r.outcome === 'written' ? r.object.metadata?.resourceVersion : undefined;
    const echoed = writtenRV !== undefined && seen.includes(writtenRV);
    if (seen.some((rv) => rv === undefined || rv !== writtenRV)) this.#queue.add(key);
    switch (r.outcome) {
      case 'written': {
        if (echoed) this.#written.delete(key);
        else this.#written.set(key, projectService(r.object));
        for (const event of serviceEvents(before, result.outcome, this.#usage))
          this.#c.recorder.record(reference(before), event);
        return done;
      }
      case 'failed':
        return { kind: 'retry', reason: `statusWrite:${r.reason}` };
      default:
        return done;
    }
  }

  readonly #usage: UsageOf = (pool, family) => {
    const c = this.state.allocator.counters(pool);
    if (!c) return undefined;
    const f = family === 4 ? c.ipv4 : c.ipv6;
    return { assigned: f.assigned, total: f.assigned + f.available };
  };

  /** Queues Services changed as side effects; tells the reporter when counters moved. */
  #afterChange(current: string | undefined): void {
    for (const k of this.state.takeAffected()) if (k !== current) this.#queue.add(k);
    if (this.state.flushReservations()) {
      // Addresses reserved for orphans that went away are free again.
      for (const k of this.state.takeAffected()) this.#queue.add(k);
      for (const k of this.state.wake(WAKE_PER_FREE)) if (k !== current) this.#queue.add(k);
    }
    if (this.state.countersVersion !== this.#countersSeen) {
      this.#countersSeen = this.state.countersVersion;
      this.#reporter?.countersChanged();
    }
  }

  #noticeAliases(svc: Service, aliases: readonly AliasUse[]): void {
    for (const use of aliases) {
      const id = `${svc.metadata.uid ?? objectKey(svc)}|${use.alias}`;
      if (this.#aliasNoticed.has(id)) continue;
      if (this.#aliasNoticed.size > 100_000) this.#aliasNoticed.clear();
      this.#aliasNoticed.add(id);
      this.#c.recorder.record(reference(svc), {
        type: 'Normal',
        reason: ServiceEvent.DeprecatedAnnotation,
        message: `annotation ${use.alias} is accepted as an alias of ${use.name}; please use ${use.name}`,
      });
    }
  }

  #armSweep(): void {
    if (this.#stopped) return;
    this.#sweepTimer = this.#c.clock.setTimer(this.#c.sweepIntervalMs, () => {
      for (const key of this.state.waiting.keys()) this.#queue.add(key);
      this.#armSweep();
    });
  }
}

function reference(svc: Service) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    namespace: svc.metadata.namespace,
    name: svc.metadata.name,
    ...(svc.metadata.uid ? { uid: svc.metadata.uid } : {}),
  };
}

/**
 * The more recent of two copies of an object, by resourceVersion when both are integers (as
 * etcd revisions and the emulator's are); `b` wins ties and copies that cannot be compared.
 */
export function newer<T extends { metadata: { resourceVersion?: string } }>(a: T, b: T | undefined): T {
  if (!b) return a;
  const ra = a.metadata.resourceVersion;
  const rb = b.metadata.resourceVersion;
  if (ra === undefined || rb === undefined || !/^\d+$/.test(ra) || !/^\d+$/.test(rb)) return b;
  return BigInt(rb) >= BigInt(ra) ? b : a;
}
