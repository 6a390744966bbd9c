// Writes the status of configuration objects: IPAddressPool address counts and `Valid`
// conditions, `Valid` conditions of the other kinds, and a Warning Event per problem when an
// object's problems change. Writes are coalesced: at most one pass per interval, and a pass
// writes only what differs from the cached object.
import { poolStatusCounts } from '@ironlb/config';
import type { ObjectStatus } from '@ironlb/config';
import type { PoolCounters } from '@ironlb/ipam';
import { setCondition } from '@ironlb/kube';
import type {
  Clock,
  Condition,
  EventRecorder,
  Informer,
  KubeObject,
  StatusWriter,
  Timer,
} from '@ironlb/kube';
import type { Logger } from 'pino';
import { problemEvents, validCondition } from './config-state.js';
import { type ConfigListName, configResources } from './resources.js';

type ConfigObject = KubeObject & { status?: { conditions?: Condition[] } };

export interface ConfigStatusReporterOptions {
  readonly writer: StatusWriter;
  readonly recorder: EventRecorder;
  readonly informers: Readonly<Record<ConfigListName, Informer<ConfigObject>>>;
  readonly counters: (pool: string) => PoolCounters | undefined;
  readonly clock: Clock;
  /** Minimum time between two passes (default 1 s). */
  readonly intervalMs?: number;
  readonly logger?: Logger;
}

const listOfKind: Record<string, ConfigListName> = Object.fromEntries(
  Object.entries(configResources).map(([list, type]) => [type.kind, list as ConfigListName]),
);

const zero: PoolCounters = { ipv4: { assigned: 0n, available: 0n }, ipv6: { assigned: 0n, available: 0n } };

export class ConfigStatusReporter {
  readonly #o: ConfigStatusReporterOptions;
  /** `kind/name` -> the object's verdict and problems. */
  #statuses = new Map<string, ObjectStatus>();
  /** `kind/name` -> the problems last reported as Events. */
  readonly #reported = new Map<string, string>();
  readonly #dirty = new Set<string>();
  #timer?: Timer;
  #lastPass = -Infinity;
  #running?: Promise<void>;
  #stopped = false;

  constructor(options: ConfigStatusReporterOptions) {
    this.#o = options;
  }

  /** A new configuration was built: remember every object's verdict, report changed problems. */
  setStatuses(statuses: readonly ObjectStatus[]): void {
    const next = new Map<string, ObjectStatus>();
    for (const s of statuses) next.set(`${s.kind}/${s.name}`, s);
    this.#statuses = next;
    for (const key of this.#reported.keys()) if (!next.has(key)) this.#reported.delete(key);
    for (const [key, s] of next) {
      this.#dirty.add(key);
      const text = JSON.stringify([s.verdict, s.generation, s.problems]);
      if (s.problems.length === 0) {
        this.#reported.delete(key);
        continue;
      }
      if (this.#reported.get(key) === text) continue;
      this.#reported.set(key, text);
      const obj = this.#object(s.kind, s.name);
      for (const event of problemEvents(s))
        this.#o.recorder.record(
          {
            apiVersion: 'ironlb.io/v1beta1',
            kind: s.kind,
            name: s.name,
            ...(obj?.metadata?.uid ? { uid: obj.metadata.uid } : {}),
          },
          event,
        );
    }
    this.#schedule();
  }

  /** Address counts may have changed. */
  countersChanged(): void {
    for (const key of this.#statuses.keys()) if (key.startsWith('IPAddressPool/')) this.#dirty.add(key);
    this.#schedule();
  }

  stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    return this.#running ?? Promise.resolve();
  }

  #object(kind: string, name: string): ConfigObject | undefined {
    const list = listOfKind[kind];
    return list ? this.#o.informers[list].get(name) : undefined;
  }

  #schedule(): void {
    if (this.#stopped || this.#timer || this.#running || this.#dirty.size === 0) return;
    const wait = Math.max(0, this.#lastPass + (this.#o.intervalMs ?? 1000) - this.#o.clock.now());
    this.#timer = this.#o.clock.setTimer(wait, () => {
      this.#timer = undefined;
      this.#running = this.#pass().finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
    });
  }

  async #pass(): Promise<void> {
    this.#lastPass = this.#o.clock.now();
    const keys = [...this.#dirty];
    this.#dirty.clear();
    for (const key of keys) {
      if (this.#stopped) return;
      const s = this.#statuses.get(key);
      if (!s) continue;
      const list = listOfKind[s.kind];
      const obj = this.#object(s.kind, s.name);
      if (!list || !obj) continue;
      const conditions = setCondition(obj.status?.conditions, validCondition(s), this.#o.clock.now());
      const status: Record<string, unknown> = {
        ...(s.generation !== undefined ? { observedGeneration: s.generation } : {}),
        conditions,
      };
      if (s.kind === 'IPAddressPool')
        Object.assign(status, poolStatusCounts(this.#o.counters(s.name) ?? zero));
      const r = await this.#o.writer.writeStatus(
        { resource: configResources[list], name: s.name, current: obj },
        status,
      );
      if (r.outcome === 'failed') {
        this.#dirty.add(key);
        this.#o.logger?.debug({
          event: 'configStatusWriteFailed',
          kind: s.kind,
          name: s.name,
          reason: r.reason,
        });
      }
    }
  }
}
