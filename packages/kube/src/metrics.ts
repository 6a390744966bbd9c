// Prometheus metrics of the runtime (prom-client). One RuntimeMetrics per registry; every
// component takes it as an optional option and labels its series with its own name.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface RuntimeMetrics {
  readonly registry: Registry;
  readonly apiRequests: Counter<'method' | 'code'>;
  readonly apiRequestDuration: Histogram<'method'>;
  readonly queueDepth: Gauge<'queue'>;
  readonly queueAdds: Counter<'queue'>;
  readonly queueRetries: Counter<'queue' | 'reason'>;
  readonly queueResults: Counter<'queue' | 'result'>;
  readonly queueWaitDuration: Histogram<'queue'>;
  readonly queueWorkDuration: Histogram<'queue'>;
  readonly informerEvents: Counter<'resource' | 'type'>;
  readonly informerRelists: Counter<'resource'>;
  readonly informerErrors: Counter<'resource'>;
  readonly informerSynced: Gauge<'resource'>;
  readonly informerObjects: Gauge<'resource'>;
  readonly leaderIsLeader: Gauge<'lease'>;
  readonly leaderTransitions: Counter<'lease' | 'direction'>;
  readonly statusWrites: Counter<'resource' | 'outcome'>;
  readonly events: Counter<'reason' | 'outcome'>;
}

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Registers the runtime's metrics on `registry` (a new one by default), prefixed `ironlb_`. */
export function createRuntimeMetrics(registry: Registry = new Registry()): RuntimeMetrics {
  const registers = [registry];
  return {
    registry,
    apiRequests: new Counter({
      name: 'ironlb_kube_api_requests_total',
      help: 'Requests to the Kubernetes API by method and HTTP status code (0: no answer).',
      labelNames: ['method', 'code'],
      registers,
    }),
    apiRequestDuration: new Histogram({
      name: 'ironlb_kube_api_request_duration_seconds',
      help: 'Duration of Kubernetes API requests (watches excluded).',
      labelNames: ['method'],
      buckets: latencyBuckets,
      registers,
    }),
    queueDepth: new Gauge({
      name: 'ironlb_workqueue_depth',
      help: 'Keys waiting to be processed (delayed keys excluded).',
      labelNames: ['queue'],
      registers,
    }),
    queueAdds: new Counter({
      name: 'ironlb_workqueue_adds_total',
      help: 'Keys added to the work queue (before deduplication).',
      labelNames: ['queue'],
      registers,
    }),
    queueRetries: new Counter({
      name: 'ironlb_workqueue_retries_total',
      help: 'Keys requeued with backoff, by reason.',
      labelNames: ['queue', 'reason'],
      registers,
    }),
    queueResults: new Counter({
      name: 'ironlb_workqueue_results_total',
      help: 'Handler results: done, retry, failed, threw.',
      labelNames: ['queue', 'result'],
      registers,
    }),
    queueWaitDuration: new Histogram({
      name: 'ironlb_workqueue_queue_duration_seconds',
      help: 'Time a key waits in the queue before a worker takes it.',
      labelNames: ['queue'],
      buckets: latencyBuckets,
      registers,
    }),
    queueWorkDuration: new Histogram({
      name: 'ironlb_workqueue_work_duration_seconds',
      help: 'Time the handler takes for one key.',
      labelNames: ['queue'],
      buckets: latencyBuckets,
      registers,
    }),
    informerEvents: new Counter({
      name: 'ironlb_informer_events_total',
      help: 'Cache changes delivered by informers: add, update, delete.',
      labelNames: ['resource', 'type'],
      registers,
    }),
    informerRelists: new Counter({
      name: 'ironlb_informer_lists_total',
      help: 'Full lists made by informers (the first one, and relists after 410 Gone).',
      labelNames: ['resource'],
      registers,
    }),
    informerErrors: new Counter({
      name: 'ironlb_informer_errors_total',
      help: 'List or watch failures that made an informer restart with backoff.',
      labelNames: ['resource'],
      registers,
    }),
    informerSynced: new Gauge({
      name: 'ironlb_informer_synced',
      help: '1 once the informer has listed its resource and started watching.',
      labelNames: ['resource'],
      registers,
    }),
    informerObjects: new Gauge({
      name: 'ironlb_informer_objects',
      help: 'Objects in the informer cache.',
      labelNames: ['resource'],
      registers,
    }),
    leaderIsLeader: new Gauge({
      name: 'ironlb_leader_is_leader',
      help: '1 while this replica holds the lease.',
      labelNames: ['lease'],
      registers,
    }),
    leaderTransitions: new Counter({
      name: 'ironlb_leader_transitions_total',
      help: 'Leadership changes of this replica: acquired or lost.',
      labelNames: ['lease', 'direction'],
      registers,
    }),
    statusWrites: new Counter({
      name: 'ironlb_status_writes_total',
      help: 'Status writes by outcome: written, unchanged (skipped no-op), notFound, notLeader, failed.',
      labelNames: ['resource', 'outcome'],
      registers,
    }),
    events: new Counter({
      name: 'ironlb_events_total',
      help: 'Kubernetes Events by outcome: emitted, aggregated (a repeat), dropped (rate limit), failed.',
      labelNames: ['reason', 'outcome'],
      registers,
    }),
  };
}
