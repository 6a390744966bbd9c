// Kubernetes Events (core/v1, which `kubectl get events` and `kubectl describe` read) that
// change only when something changed.
//
// - A series is (object, type, reason). Recording the same message again within the
//   aggregation window is a repeat: no new Event, the existing one's `count` and
//   `lastTimestamp` are patched, at most once per flush interval. A different message starts a
//   new Event.
// - New Events are rate-limited per object (token bucket, burst 25, one per 5 minutes after
//   that, as client-go's spam filter) and overall.
// - Writes happen in the background, in order, with a bounded backlog; record() never blocks
//   and never throws. Events are best effort: failures are counted, not retried.
import type { Logger } from 'pino';
import { PatchType } from './api-client.js';
import type { KubeApi } from './api-client.js';
import { kubeTime, systemClock } from './clock.js';
import type { Clock, Timer } from './clock.js';
import { isNotFound } from './errors.js';
import type { RuntimeMetrics } from './metrics.js';
import { TokenBucket } from './rate-limit.js';
import { coreResources, resourcePath } from './resource.js';

/** The object an Event is about. */
export interface EventReference {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
}

export interface EventInput {
  type: 'Normal' | 'Warning';
  /** camelCase or CamelCase, stable API (e.g. `IPAllocated`, `poolExhausted`). */
  reason: string;
  message: string;
  /** What the component did (events.k8s.io `action`), e.g. `Allocate`. */
  action?: string;
}

/** The narrow interface controllers depend on; FakeEventRecorder records calls in tests. */
export interface EventRecorder {
  record(regarding: EventReference, event: EventInput): void;
}

export interface ApiEventRecorderOptions {
  api: KubeApi;
  /** reportingComponent / source.component, e.g. `ironlb-controller`. */
  component: string;
  /** reportingInstance / source.host, e.g. the pod or node name. */
  instance: string;
  /** When it returns false, events are dropped (a standby replica stays silent). */
  guard?: () => boolean;
  /** Identical events within this window are counted on one Event (default 10 min). */
  aggregationWindowMs?: number;
  /** How often the counts of repeats are written (default 60 s). */
  repeatFlushMs?: number;
  perObject?: { perSecond: number; burst: number };
  overall?: { perSecond: number; burst: number };
  /** Writes waiting beyond this are dropped (default 1000). */
  maxBacklog?: number;
  /** Series remembered (least recently used ones are forgotten first; default 10,000). */
  maxSeries?: number;
  clock?: Clock;
  logger?: Logger;
  metrics?: RuntimeMetrics;
}

interface Series {
  readonly regarding: EventReference;
  readonly input: EventInput;
  readonly namespace: string;
  name: string;
  count: number;
  writtenCount: number;
  first: number;
  last: number;
  created: boolean;
}

type Job = { kind: 'create' | 'patch'; series: Series };

const MAX_MESSAGE = 1024;

export class ApiEventRecorder implements EventRecorder {
  readonly #o: ApiEventRecorderOptions;
  readonly #clock: Clock;
  readonly #logger?: Logger;
  readonly #series = new Map<string, Series>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #overall: TokenBucket;
  readonly #dirty = new Set<Series>();
  #flushTimer?: Timer;
  #jobs: Job[] = [];
  #sending?: Promise<void>;
  /**
   * Low digits of the Event names. Starts at a random value: several recorders (a speaker per
   * node) naming Events about the same object in the same millisecond would otherwise pick the
   * same name, and all but one create would fail with AlreadyExists.
   */
  #seq = Math.floor(Math.random() * 1_000_000);

  constructor(options: ApiEventRecorderOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger?.child({ component: 'event-recorder' });
    this.#overall = new TokenBucket({
      ...(options.overall ?? { perSecond: 10, burst: 100 }),
      now: this.#clock.now(),
    });
  }

  record(regarding: EventReference, input: EventInput): void {
    const metrics = this.#o.metrics;
    if (this.#o.guard && !this.#o.guard()) return;
    const event = { ...input, message: truncate(input.message) };
    const now = this.#clock.now();
    const objectId = `${regarding.kind}/${regarding.namespace ?? ''}/${regarding.name}/${regarding.uid ?? ''}`;
    const key = `${objectId}|${event.type}|${event.reason}`;
    const existing = this.#series.get(key);
    const window = this.#o.aggregationWindowMs ?? 10 * 60_000;
    if (existing && existing.input.message === event.message && now - existing.last < window) {
      existing.count++;
      existing.last = now;
      this.#touch(key, existing);
      this.#dirty.add(existing);
      this.#armFlush();
      metrics?.events.inc({ reason: event.reason, outcome: 'aggregated' });
      return;
    }
    if (!this.#allow(objectId, now)) {
      metrics?.events.inc({ reason: event.reason, outcome: 'dropped' });
      this.#logger?.debug(
        { event: 'eventDropped', reason: event.reason, object: objectId },
        'event rate-limited',
      );
      return;
    }
    const series: Series = {
      regarding,
      input: event,
      namespace: regarding.namespace || 'default',
      name: this.#eventName(regarding.name, now),
      count: 1,
      writtenCount: 0,
      first: now,
      last: now,
      created: false,
    };
    if (existing) this.#dirty.delete(existing);
    this.#touch(key, series);
    this.#enqueue({ kind: 'create', series });
  }

  /** Writes pending repeat counts now and waits until every queued write is done. */
  async flush(): Promise<void> {
    this.#flushTimer?.cancel();
    this.#flushTimer = undefined;
    this.#flushDirty();
    while (this.#sending) await this.#sending;
  }

  #allow(objectId: string, now: number): boolean {
    let bucket = this.#buckets.get(objectId);
    if (!bucket) {
      bucket = new TokenBucket({ ...(this.#o.perObject ?? { perSecond: 1 / 300, burst: 25 }), now });
      this.#buckets.set(objectId, bucket);
      this.#evict(this.#buckets, now);
    }
    return bucket.tryTake(now) && this.#overall.tryTake(now);
  }

  #touch(key: string, series: Series): void {
    this.#series.delete(key);
    this.#series.set(key, series);
    const max = this.#o.maxSeries ?? 10_000;
    while (this.#series.size > max) {
      const oldest = this.#series.keys().next().value as string;
      this.#series.delete(oldest);
    }
  }

  /**
   * Keeps at most maxSeries buckets. Full buckets carry no state and go first; when there are
   * not enough of them, the oldest go (their objects start again with a full burst). Only a
   * few of the oldest are looked at, so a burst of events about many new objects stays O(1) each.
   */
  #evict(buckets: Map<string, TokenBucket>, now: number): void {
    const max = this.#o.maxSeries ?? 10_000;
    if (buckets.size <= max) return;
    let scanned = 0;
    for (const [k, b] of buckets) {
      if (buckets.size <= max || scanned++ >= 16) break;
      if (b.isFull(now)) buckets.delete(k);
    }
    for (const k of buckets.keys()) {
      if (buckets.size <= max) break;
      buckets.delete(k);
    }
  }

  #eventName(objectName: string, now: number): string {
    // client-go: "<object name>.<unix nanoseconds in hex>"; the counter keeps names unique.
    const nanos = BigInt(now) * 1_000_000n + BigInt(this.#seq++ % 1_000_000);
    return `${objectName}.${nanos.toString(16)}`;
  }

  #armFlush(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = this.#clock.setTimer(this.#o.repeatFlushMs ?? 60_000, () => {
      this.#flushTimer = undefined;
      this.#flushDirty();
    });
  }

  #flushDirty(): void {
    for (const s of this.#dirty) if (s.count !== s.writtenCount) this.#enqueue({ kind: 'patch', series: s });
    this.#dirty.clear();
  }

  #enqueue(job: Job): void {
    if (this.#jobs.length >= (this.#o.maxBacklog ?? 1000)) {
      this.#o.metrics?.events.inc({ reason: job.series.input.reason, outcome: 'dropped' });
      return;
    }
    this.#jobs.push(job);
    this.#sending ??= this.#drain().finally(() => (this.#sending = undefined));
  }

  async #drain(): Promise<void> {
    for (let job = this.#jobs.shift(); job; job = this.#jobs.shift()) {
      try {
        if (job.kind === 'create' || !job.series.created) await this.#create(job.series);
        else await this.#patch(job.series);
      } catch (err) {
        this.#o.metrics?.events.inc({ reason: job.series.input.reason, outcome: 'failed' });
        this.#logger?.warn(
          { event: 'eventWriteFailed', reason: job.series.input.reason, err },
          'could not write event',
        );
      }
    }
  }

  async #create(s: Series): Promise<void> {
    const count = s.count;
    const { regarding, input } = s;
    await this.#o.api.request({
      method: 'POST',
      path: resourcePath(coreResources.events, { namespace: s.namespace }),
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: s.name, namespace: s.namespace },
        involvedObject: {
          apiVersion: regarding.apiVersion,
          kind: regarding.kind,
          name: regarding.name,
          ...(regarding.namespace ? { namespace: regarding.namespace } : {}),
          ...(regarding.uid ? { uid: regarding.uid } : {}),
          ...(regarding.resourceVersion ? { resourceVersion: regarding.resourceVersion } : {}),
        },
        type: input.type,
        reason: input.reason,
        message: input.message,
        ...(input.action ? { action: input.action } : {}),
        count,
        firstTimestamp: kubeTime(s.first),
        lastTimestamp: kubeTime(s.last),
        source: { component: this.#o.component, host: this.#o.instance },
        reportingComponent: this.#o.component,
        reportingInstance: this.#o.instance,
      },
    });
    s.created = true;
    s.writtenCount = count;
    this.#o.metrics?.events.inc({ reason: input.reason, outcome: 'emitted' });
  }

  async #patch(s: Series): Promise<void> {
    const count = s.count;
    try {
      await this.#o.api.request({
        method: 'PATCH',
        path: resourcePath(coreResources.events, { namespace: s.namespace, name: s.name }),
        contentType: PatchType.merge,
        body: { count, lastTimestamp: kubeTime(s.last) },
      });
      s.writtenCount = count;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // The Event expired (the API server keeps them about an hour): start a new one.
      s.name = this.#eventName(s.regarding.name, this.#clock.now());
      await this.#create(s);
    }
  }
}

function truncate(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 3)}...`;
}
