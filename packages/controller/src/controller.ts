// The controller: informers on Services, Namespaces and the configuration kinds, a leader
// elector, and one LeaderTerm per term of leadership. A standby replica keeps its caches warm
// and writes nothing; when it becomes leader it rebuilds everything from the API (see
// leader-term.ts). Losing leadership ends the term at once: the writers' guard refuses every
// write from that moment, and the term's queue and timers stop.
import {
  AlwaysLeader,
  ApiEventRecorder,
  ApiStatusWriter,
  HealthChecks,
  InformerSet,
  createRuntimeMetrics,
  objectKey,
  systemClock,
} from '@ironlb/kube';
import type {
  Clock,
  Condition,
  EventRecorder,
  Informer,
  InformerOptions,
  KubeApi,
  KubeObject,
  LeaderElector,
  RuntimeMetrics,
  StatusWriter,
  Timer,
} from '@ironlb/kube';
import type { Logger } from 'pino';
import type { OrphanPolicy } from './allocation-state.js';
import { ConfigStatusReporter } from './config-status-reporter.js';
import { type ControllerMetrics, createControllerMetrics } from './controller-metrics.js';
import { LeaderTerm } from './leader-term.js';
import { type ConfigListName, configResources, namespaces, services } from './resources.js';
import { type ClassFilter, defaultClassFilter } from './service-adapter.js';
import { projectService } from './service-projection.js';
import type { Namespace, Service } from './service-types.js';

export interface ControllerOptions {
  /** The API client (an HttpKubeApi in production). */
  readonly api: KubeApi;
  /** Where informers watch from (the same cluster as `api`). */
  readonly kubeConfig: InformerOptions['kubeConfig'];
  readonly logger: Logger;
  /** Which Services are ours (default: class `ironlb.io/ironlb` and Services without a class). */
  readonly filter?: ClassFilter;
  /** What happens to Services whose addresses no pool covers any more (default `keep`). */
  readonly orphanPolicy?: OrphanPolicy;
  /** Default: AlwaysLeader (a single replica). */
  readonly elector?: LeaderElector;
  /** Runtime metrics (and their registry, where the controller registers its own). */
  readonly metrics?: RuntimeMetrics;
  /** Status writes in flight at once (default 16). */
  readonly concurrency?: number;
  /** Minimum time between two pool status passes (default 1 s). */
  readonly poolStatusIntervalMs?: number;
  /** Every waiting Service is retried this often (default 30 s). */
  readonly sweepIntervalMs?: number;
  /** Event source instance (default: the elector's identity). */
  readonly instance?: string;
  /** Replaces the API-backed writer and recorder (tests). */
  readonly writer?: StatusWriter;
  readonly recorder?: EventRecorder;
  readonly clock?: Clock;
}

type ConfigInformers = Record<
  ConfigListName,
  Informer<KubeObject & { status?: { conditions?: Condition[] } }>
>;

export class Controller {
  readonly elector: LeaderElector;
  readonly metrics: RuntimeMetrics;
  readonly controllerMetrics: ControllerMetrics;
  readonly health = new HealthChecks();
  readonly #o: ControllerOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #informers: InformerSet;
  readonly #services: Informer<Service>;
  readonly #namespaces: Informer<Namespace>;
  readonly #config: ConfigInformers;
  readonly #writer: StatusWriter;
  readonly #recorder: EventRecorder;
  #term?: LeaderTerm;
  #termReady = false;
  #started = false;
  #stopping = false;
  #unsubscribe?: () => void;
  #informersStartedAt?: number;
  /** Resolves when the last term has stopped (its running handlers returned). */
  #ending: Promise<void> = Promise.resolve();
  #informerDelay?: Timer;
  readonly #readyWaiters: (() => void)[] = [];

  constructor(options: ControllerOptions) {
    this.#o = options;
    this.#logger = options.logger.child({ component: 'controller' });
    this.#clock = options.clock ?? systemClock;
    this.metrics = options.metrics ?? createRuntimeMetrics();
    this.controllerMetrics = createControllerMetrics(this.metrics.registry);
    this.elector = options.elector ?? new AlwaysLeader('ironlb-controller');
    const guard = () => this.elector.isLeader() && !this.#stopping;
    this.#writer =
      options.writer ??
      new ApiStatusWriter({
        api: options.api,
        guard,
        metrics: this.metrics,
        logger: options.logger,
        // Our own informer catches up within moments; remembering every write would double the cache.
        rememberWrites: 2048,
      });
    this.#recorder =
      options.recorder ??
      new ApiEventRecorder({
        api: options.api,
        component: 'ironlb-controller',
        instance: options.instance ?? this.elector.identity,
        guard,
        clock: this.#clock,
        metrics: this.metrics,
        logger: options.logger,
      });
    this.#informers = new InformerSet({
      kubeConfig: options.kubeConfig,
      api: options.api,
      clock: this.#clock,
      logger: options.logger,
      metrics: this.metrics,
    });
    this.#services = this.#informers.informer<Service & KubeObject>(services, {
      transform: projectService,
    });
    this.#namespaces = this.#informers.informer<Namespace & KubeObject>(namespaces);
    this.#config = Object.fromEntries(
      Object.entries(configResources).map(([list, type]) => [list, this.#informers.informer(type)]),
    ) as unknown as ConfigInformers;
    this.#wireInformers();
    this.health.addLiveness('running', () => this.#started && !this.#stopping);
    this.health.addReadiness('informers', this.#informers.readinessCheck());
    this.health.addReadiness('allocations', () =>
      !this.elector.isLeader() || this.#termReady
        ? { ok: true }
        : { ok: false, message: 'leading, restoring allocations' },
    );
  }

  /**
   * Starts campaigning and watching; returns at once. Informers start once this replica leads
   * or after a short wait: a leader whose caches were listed after it started leading restores
   * from them, without listing Services again (see leader-term.ts).
   */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#unsubscribe = this.elector.onChange((leading) => {
      if (leading) {
        this.#startTerm();
        this.#startInformers();
      } else void this.#endTerm();
    });
    this.elector.start();
    if (!this.#informersStartedAt)
      this.#informerDelay = this.#clock.setTimer(1000, () => this.#startInformers());
  }

  #startInformers(): void {
    if (this.#informersStartedAt !== undefined || this.#stopping) return;
    this.#informerDelay?.cancel();
    this.#informersStartedAt = this.#clock.now();
    this.#informers.start();
  }

  /** Whether caches are synced and, when leading, every allocation is restored. */
  isReady(): boolean {
    return this.#informers.hasSynced() && (!this.elector.isLeader() || this.#termReady);
  }

  /** Resolves when this replica leads and has restored and processed every Service once. */
  whenLeadingAndReady(): Promise<void> {
    if (this.elector.isLeader() && this.#termReady) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  /** The current term's state (tests, metrics); undefined when not leading. */
  get term(): LeaderTerm | undefined {
    return this.#term;
  }

  /**
   * Stops: releases the lease (a standby takes over at its next retry), ends the term after its
   * running writes, stops watching, and writes pending Event counts.
   */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#informerDelay?.cancel();
    this.#unsubscribe?.();
    await this.#endTerm();
    await this.elector.stop();
    await this.#informers.stop();
    if (this.#recorder instanceof ApiEventRecorder) await this.#recorder.flush();
    this.#logger.info({ event: 'stopped' }, 'controller stopped');
  }

  #wireInformers(): void {
    this.#services.addHandlers({
      onAdd: (s) => this.#term?.serviceChanged(objectKey(s), s),
      onUpdate: (_, s) => this.#term?.serviceChanged(objectKey(s), s),
      onDelete: (s) => this.#term?.serviceChanged(objectKey(s)),
    });
    this.#namespaces.addHandlers({
      onUpdate: (old, ns) => {
        if (JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(ns.metadata.labels ?? {}))
          this.#term?.namespaceChanged(ns.metadata.name);
      },
    });
    for (const informer of Object.values(this.#config)) {
      informer.addHandlers({
        onAdd: () => this.#term?.configChanged(),
        onUpdate: (old, obj) => {
          // Our own status writes come back as updates: only spec and metadata changes matter.
          if (JSON.stringify(withoutStatus(old)) !== JSON.stringify(withoutStatus(obj)))
            this.#term?.configChanged();
        },
        onDelete: () => this.#term?.configChanged(),
      });
    }
  }

  #startTerm(): void {
    if (this.#stopping) return;
    void this.#endTerm();
    // The previous term's last writes must have landed before this one lists what is written.
    const previous = this.#ending;
    const signal = this.elector.termSignal();
    const started = this.#clock.now();
    this.#logger.info(
      { event: 'termStarted', identity: this.elector.identity },
      'leading: restoring allocations',
    );
    const term: LeaderTerm = new LeaderTerm(
      {
        api: this.#o.api,
        services: this.#services,
        namespaces: this.#namespaces,
        config: this.#config as unknown as Record<ConfigListName, Informer<never>>,
        waitForSync: (s) => this.#informers.waitForSync(s),
        cachesListedAfter: (t) => this.#informersStartedAt === undefined || this.#informersStartedAt >= t,
        writer: this.#writer,
        recorder: this.#recorder,
        reporter: (state) =>
          new ConfigStatusReporter({
            writer: this.#writer,
            recorder: this.#recorder,
            informers: this.#config,
            counters: (pool) => state.allocator.counters(pool),
            clock: this.#clock,
            ...(this.#o.poolStatusIntervalMs !== undefined
              ? { intervalMs: this.#o.poolStatusIntervalMs }
              : {}),
            logger: this.#logger,
          }),
        filter: this.#o.filter ?? defaultClassFilter,
        policy: this.#o.orphanPolicy ?? 'keep',
        concurrency: this.#o.concurrency ?? 16,
        clock: this.#clock,
        logger: this.#o.logger,
        runtimeMetrics: this.metrics,
        metrics: this.controllerMetrics,
        sweepIntervalMs: this.#o.sweepIntervalMs ?? 30_000,
        onReady: ({ restoreMs, services: count }) => {
          if (this.#term !== term) return;
          this.#termReady = true;
          this.controllerMetrics.ready.set(1);
          this.#logger.info(
            { event: 'ready', restoreMs, readyMs: this.#clock.now() - started, services: count },
            'every Service processed; serving changes',
          );
          for (const w of this.#readyWaiters.splice(0)) w();
        },
      },
      signal,
    );
    this.#term = term;
    this.controllerMetrics.setState(term.state);
    term.run(previous).catch((err: unknown) => {
      if (this.#term !== term) return;
      this.#logger.error(
        { event: 'termFailed', err },
        'the leadership term failed; starting a new one in 1 s',
      );
      void this.#endTerm().then(() =>
        this.#clock.setTimer(1000, () => {
          if (this.elector.isLeader() && !this.#term) this.#startTerm();
        }),
      );
    });
  }

  async #endTerm(): Promise<void> {
    const term = this.#term;
    if (!term) return;
    this.#term = undefined;
    this.#termReady = false;
    this.controllerMetrics.ready.set(0);
    this.controllerMetrics.setState(undefined);
    this.#logger.info({ event: 'termEnded' }, 'not leading: stopped writing');
    const stopped = term.stop();
    this.#ending = stopped.catch(() => undefined);
    await stopped;
  }
}

function withoutStatus(obj: KubeObject & { status?: unknown }): unknown {
  const { status: _status, ...rest } = obj;
  const meta = rest.metadata ? { ...rest.metadata, resourceVersion: undefined } : undefined;
  return { ...rest, metadata: meta };
}
