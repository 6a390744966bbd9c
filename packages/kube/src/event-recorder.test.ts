import { describe, expect, it } from 'vitest';
import { ApiEventRecorder } from './event-recorder.js';
import type { ApiEventRecorderOptions, EventReference } from './event-recorder.js';
import { createRuntimeMetrics } from './metrics.js';
import { FakeKubeApi, apiError } from './testing/fake-kube-api.js';
import { ManualClock } from './testing/manual-clock.js';

const web: EventReference = { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'web', uid: 'u1' };
const pool: EventReference = {
  apiVersion: 'ironlb.io/v1beta1',
  kind: 'IPAddressPool',
  name: 'blue',
  uid: 'u2',
};

function setup(extra: Partial<ApiEventRecorderOptions> = {}) {
  const api = new FakeKubeApi(() => ({}));
  const clock = new ManualClock();
  const metrics = createRuntimeMetrics();
  const r = new ApiEventRecorder({
    api,
    clock,
    metrics,
    component: 'ironlb-controller',
    instance: 'pod-1',
    ...extra,
  });
  return { api, clock, r, metrics };
}

describe('ApiEventRecorder', () => {
  it('recorders in several processes name Events about one object in the same millisecond differently', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { api, r } = setup();
      r.record(web, { type: 'Normal', reason: 'AnnouncedBGP', message: `node=node${i}` });
      await r.flush();
      names.add((api.requests[0]!.body as { metadata: { name: string } }).metadata.name);
    }
    expect(names.size).toBe(20);
  });

  it('creates a core/v1 Event naming the object', async () => {
    const { api, r } = setup();
    r.record(web, {
      type: 'Normal',
      reason: 'IPAllocated',
      message: 'Assigned IP 192.0.2.10',
      action: 'Allocate',
    });
    await r.flush();
    expect(api.requests).toHaveLength(1);
    const req = api.requests[0]!;
    expect(req).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/shop/events' });
    expect(req.body).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'shop', name: expect.stringMatching(/^web\.[0-9a-f]+$/) },
      involvedObject: { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'web', uid: 'u1' },
      type: 'Normal',
      reason: 'IPAllocated',
      message: 'Assigned IP 192.0.2.10',
      action: 'Allocate',
      count: 1,
      firstTimestamp: '2025-01-01T00:00:00Z',
      source: { component: 'ironlb-controller', host: 'pod-1' },
      reportingComponent: 'ironlb-controller',
      reportingInstance: 'pod-1',
    });
  });

  it('puts events about cluster-scoped objects in the default namespace', async () => {
    const { api, r } = setup();
    r.record(pool, { type: 'Warning', reason: 'overlappingAddresses', message: 'x' });
    await r.flush();
    expect(api.requests[0]).toMatchObject({ path: '/api/v1/namespaces/default/events' });
    expect((api.requests[0]!.body as { involvedObject: object }).involvedObject).not.toHaveProperty(
      'namespace',
    );
  });

  it('aggregates repeats into one Event whose count is patched at most once per flush interval', async () => {
    const { api, clock, r, metrics } = setup({ repeatFlushMs: 60_000 });
    const msg = { type: 'Warning' as const, reason: 'AllocationFailed', message: 'pool blue is full' };
    r.record(web, msg);
    for (let i = 0; i < 50; i++) {
      await clock.advance(1_000);
      r.record(web, msg);
    }
    await clock.advance(60_000);
    await r.flush();
    const methods = api.requests.map((q) => q.method);
    expect(methods[0]).toBe('POST');
    expect(methods.filter((m) => m === 'POST')).toHaveLength(1);
    expect(methods.filter((m) => m === 'PATCH').length).toBeLessThanOrEqual(2);
    const last = api.requests.at(-1)!;
    expect(last).toMatchObject({
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { count: 51 },
    });
    expect(last.path).toBe(
      `/api/v1/namespaces/shop/events/${(api.requests[0]!.body as { metadata: { name: string } }).metadata.name}`,
    );
    const counts = Object.fromEntries(
      (await metrics.events.get()).values.map((v) => [v.labels.outcome, v.value]),
    );
    expect(counts).toMatchObject({ emitted: 1, aggregated: 50 });
  });

  it('a changed message is a new Event', async () => {
    const { api, r } = setup();
    r.record(web, { type: 'Warning', reason: 'AllocationFailed', message: 'a' });
    r.record(web, { type: 'Warning', reason: 'AllocationFailed', message: 'b' });
    r.record(web, { type: 'Warning', reason: 'AllocationFailed', message: 'b' });
    await r.flush();
    expect(api.requests.map((q) => [q.method, (q.body as { message?: string }).message])).toEqual([
      ['POST', 'a'],
      ['POST', 'b'],
      ['PATCH', undefined],
    ]);
  });

  it('rate-limits new Events per object', async () => {
    const { api, r, metrics } = setup({ perObject: { perSecond: 1 / 300, burst: 3 } });
    for (let i = 0; i < 10; i++) r.record(web, { type: 'Normal', reason: 'Changed', message: `m${i}` });
    r.record({ ...web, name: 'other', uid: 'u3' }, { type: 'Normal', reason: 'Changed', message: 'x' });
    await r.flush();
    expect(api.requests).toHaveLength(4);
    const dropped = (await metrics.events.get()).values.find((v) => v.labels.outcome === 'dropped');
    expect(dropped?.value).toBe(7);
  });

  it('re-creates an Event that expired before its count was patched', async () => {
    const { api, clock, r } = setup({ repeatFlushMs: 1_000 });
    api.route = (req) => {
      if (req.method === 'PATCH') throw apiError(404, 'NotFound', req);
      return {};
    };
    const msg = { type: 'Normal' as const, reason: 'R', message: 'm' };
    r.record(web, msg);
    r.record(web, msg);
    await clock.advance(1_000);
    await r.flush();
    expect(api.requests.map((q) => q.method)).toEqual(['POST', 'PATCH', 'POST']);
    expect(api.requests[2]!.body).toMatchObject({ count: 2 });
  });

  it('never throws: failures are counted', async () => {
    const { api, r, metrics } = setup();
    api.route = (req) => {
      throw apiError(500, 'InternalError', req);
    };
    r.record(web, { type: 'Normal', reason: 'R', message: 'm' });
    await r.flush();
    const failed = (await metrics.events.get()).values.find((v) => v.labels.outcome === 'failed');
    expect(failed?.value).toBe(1);
  });

  it('stays silent when the guard refuses (a standby replica)', async () => {
    const { api, r } = setup({ guard: () => false });
    r.record(web, { type: 'Normal', reason: 'R', message: 'm' });
    await r.flush();
    expect(api.requests).toEqual([]);
  });

  it('truncates long messages', async () => {
    const { api, r } = setup();
    r.record(web, { type: 'Normal', reason: 'R', message: 'x'.repeat(5000) });
    await r.flush();
    expect((api.requests[0]!.body as { message: string }).message).toHaveLength(1024);
  });
});

describe('ApiEventRecorder with many objects', () => {
  it('keeps at most maxSeries rate-limit buckets, the oldest going first', async () => {
    const { api, r } = setup({ maxSeries: 100, overall: { perSecond: 1e9, burst: 1e9 }, maxBacklog: 1e6 });
    for (let i = 0; i < 1_000; i++)
      r.record(
        { ...web, name: `s${i}`, uid: `u${i}` },
        { type: 'Normal', reason: 'IPAllocated', message: 'x' },
      );
    await r.flush();
    expect(api.requests.filter((q) => q.method === 'POST')).toHaveLength(1_000);
    // s0's bucket was forgotten: it gets a new burst.
    for (let i = 0; i < 30; i++)
      r.record({ ...web, name: 's0', uid: 'u0' }, { type: 'Normal', reason: 'R', message: `m${i}` });
    await r.flush();
    expect(api.requests.filter((q) => q.method === 'POST')).toHaveLength(1_025);
  });
});
