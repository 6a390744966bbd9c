import { describe, expect, it } from 'vitest';
import type { ApiRequest } from './api-client.js';
import { createRuntimeMetrics } from './metrics.js';
import { coreResources, customResource } from './resource.js';
import { ApiStatusWriter } from './status-writer.js';
import { FakeKubeApi, apiError } from './testing/fake-kube-api.js';
import { FakeStatusWriter } from './testing/fake-status-writer.js';

const svc = (rv: string, status: unknown) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop', resourceVersion: rv },
  status,
});

const ingress = { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } };

describe('ApiStatusWriter', () => {
  it('merge-patches /status with the resourceVersion as precondition', async () => {
    const api = new FakeKubeApi(() => svc('2', ingress));
    const w = new ApiStatusWriter({ api });
    const r = await w.writeStatus(
      {
        resource: coreResources.services,
        namespace: 'shop',
        name: 'web',
        current: svc('1', { loadBalancer: {} }),
      },
      ingress,
    );
    expect(r.outcome).toBe('written');
    expect(api.requests).toEqual([
      {
        method: 'PATCH',
        path: '/api/v1/namespaces/shop/services/web/status',
        contentType: 'application/merge-patch+json',
        body: { metadata: { resourceVersion: '1' }, status: ingress },
      },
    ]);
  });

  it('skips a no-op write, ignoring fields the server defaulted (ipMode: VIP)', async () => {
    const api = new FakeKubeApi();
    const w = new ApiStatusWriter({ api });
    const current = svc('5', { loadBalancer: { ingress: [{ ip: '192.0.2.10', ipMode: 'VIP' }] } });
    const r = await w.writeStatus(
      { resource: coreResources.services, namespace: 'shop', name: 'web', current },
      ingress,
    );
    expect(r.outcome).toBe('unchanged');
    expect(api.requests).toEqual([]);
  });

  it('removing an annotation from an object without annotations is a no-op', async () => {
    const api = new FakeKubeApi();
    const w = new ApiStatusWriter({ api });
    const current = svc('5', ingress);
    const r = await w.writeStatus(
      { resource: coreResources.services, namespace: 'shop', name: 'web', current },
      ingress,
      { annotations: { 'ironlb.io/ip-allocated-from-pool': null } },
    );
    expect(r.outcome).toBe('unchanged');
    expect(api.requests).toEqual([]);
  });

  it('remembers what it wrote, not the whole object the server returned', async () => {
    const returned = { ...svc('2', ingress), spec: { big: 'x'.repeat(1000) } };
    const api = new FakeKubeApi(() => returned);
    const w = new ApiStatusWriter({ api });
    const target = {
      resource: coreResources.services,
      namespace: 'shop',
      name: 'web',
      current: svc('1', { loadBalancer: {} }),
    };
    expect((await w.writeStatus(target, ingress)).outcome).toBe('written');
    // The caller's copy is still the old one: compared against what was written, no request.
    expect((await w.writeStatus(target, ingress)).outcome).toBe('unchanged');
    expect(api.requests).toHaveLength(1);
  });

  it('reads the object when no current copy is given; 404 is notFound', async () => {
    const api = new FakeKubeApi((req) => {
      throw apiError(404, 'NotFound', req);
    });
    const w = new ApiStatusWriter({ api });
    const pools = customResource('ironlb.io', 'v1beta1', 'ipaddresspools', 'IPAddressPool');
    expect((await w.writeStatus({ resource: pools, name: 'blue' }, { assignedIPv4: 1 })).outcome).toBe(
      'notFound',
    );
    expect(api.requests[0]).toMatchObject({
      method: 'GET',
      path: '/apis/ironlb.io/v1beta1/ipaddresspools/blue',
    });
  });

  it('on 409 re-reads and retries with the new resourceVersion', async () => {
    let patches = 0;
    const api = new FakeKubeApi((req: ApiRequest) => {
      if (req.method === 'GET') return svc('7', { loadBalancer: {} });
      if (++patches === 1) throw apiError(409, 'Conflict', req);
      return svc('8', ingress);
    });
    const metrics = createRuntimeMetrics();
    const w = new ApiStatusWriter({ api, metrics });
    const r = await w.writeStatus(
      { resource: coreResources.services, namespace: 'shop', name: 'web', current: svc('6', {}) },
      ingress,
    );
    expect(r.outcome).toBe('written');
    expect(api.requests.map((q) => q.method)).toEqual(['PATCH', 'GET', 'PATCH']);
    expect((api.requests[2]!.body as { metadata: unknown }).metadata).toEqual({ resourceVersion: '7' });
    expect((await metrics.statusWrites.get()).values).toEqual([
      expect.objectContaining({ labels: { resource: 'services', outcome: 'written' }, value: 1 }),
    ]);
  });

  it('on 409 finds the status already right and writes nothing more', async () => {
    const api = new FakeKubeApi((req) => {
      if (req.method === 'GET') return svc('7', ingress);
      throw apiError(409, 'Conflict', req);
    });
    const w = new ApiStatusWriter({ api });
    const r = await w.writeStatus(
      { resource: coreResources.services, namespace: 'shop', name: 'web', current: svc('6', {}) },
      ingress,
    );
    expect(r.outcome).toBe('unchanged');
  });

  it('gives up after the configured conflict retries', async () => {
    const api = new FakeKubeApi((req) => {
      if (req.method === 'GET') return svc('7', {});
      throw apiError(409, 'Conflict', req);
    });
    const w = new ApiStatusWriter({ api, conflictRetries: 2 });
    const r = await w.writeStatus(
      { resource: coreResources.services, namespace: 'shop', name: 'web' },
      ingress,
    );
    expect(r).toMatchObject({ outcome: 'failed', reason: 'conflict' });
    expect(api.requests.filter((q) => q.method === 'PATCH')).toHaveLength(3);
  });

  it('classifies failures: 5xx transient, 422 rejected', async () => {
    for (const [code, reason] of [
      [503, 'transient'],
      [422, 'rejected'],
    ] as const) {
      const api = new FakeKubeApi((req) => {
        throw apiError(code, 'X', req);
      });
      const w = new ApiStatusWriter({ api });
      const r = await w.writeStatus(
        { resource: coreResources.services, namespace: 'shop', name: 'web', current: svc('1', {}) },
        ingress,
      );
      expect(r).toMatchObject({ outcome: 'failed', reason });
    }
  });

  it('writes annotations with the status in one patch, and skips the write when both are satisfied', async () => {
    const api = new FakeKubeApi(() => svc('2', ingress));
    const w = new ApiStatusWriter({ api });
    const target = { resource: coreResources.services, namespace: 'shop', name: 'web' };
    const annotations = { 'example.com/pool': 'blue', 'example.com/old': null };
    const r = await w.writeStatus({ ...target, current: svc('1', {}) }, ingress, { annotations });
    expect(r.outcome).toBe('written');
    expect(api.requests[0]!.body).toEqual({
      metadata: { resourceVersion: '1', annotations },
      status: ingress,
    });
    const done = {
      ...svc('3', { loadBalancer: { ingress: [{ ip: '192.0.2.10', ipMode: 'VIP' }] } }),
      metadata: {
        name: 'web',
        namespace: 'shop',
        resourceVersion: '3',
        annotations: { 'example.com/pool': 'blue' },
      },
    };
    expect((await w.writeStatus({ ...target, current: done }, ingress, { annotations })).outcome).toBe(
      'unchanged',
    );
    const other = { ...done, metadata: { ...done.metadata, annotations: { 'example.com/pool': 'red' } } };
    expect((await w.writeStatus({ ...target, current: other }, ingress, { annotations })).outcome).toBe(
      'written',
    );
    expect(api.requests).toHaveLength(2);
  });

  it('forgets its oldest writes beyond rememberWrites', async () => {
    let rv = 10;
    const api = new FakeKubeApi((req) => ({
      ...svc(String(++rv), ingress),
      metadata: { name: req.path.split('/')[5], namespace: 'shop', resourceVersion: String(rv) },
    }));
    const w = new ApiStatusWriter({ api, rememberWrites: 1 });
    const target = (name: string) => ({
      resource: coreResources.services,
      namespace: 'shop',
      name,
      current: { ...svc('1', {}), metadata: { name, namespace: 'shop', resourceVersion: '1' } },
    });
    expect((await w.writeStatus(target('a'), ingress)).outcome).toBe('written');
    expect((await w.writeStatus(target('b'), ingress)).outcome).toBe('written');
    // b is remembered: its stale copy is compared with what was written; a is forgotten.
    expect((await w.writeStatus(target('b'), ingress)).outcome).toBe('unchanged');
    expect((await w.writeStatus(target('a'), ingress)).outcome).toBe('written');
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(3);
  });

  it('writes nothing when the guard says this replica is not the leader', async () => {
    const api = new FakeKubeApi();
    const w = new ApiStatusWriter({ api, guard: () => false });
    const r = await w.writeStatus(
      { resource: coreResources.services, namespace: 'shop', name: 'web', current: svc('1', {}) },
      ingress,
    );
    expect(r.outcome).toBe('notLeader');
    expect(api.requests).toEqual([]);
  });
});

describe('FakeStatusWriter', () => {
  it('applies merge patches, skips no-ops and honours its guard', async () => {
    const w = new FakeStatusWriter();
    const t = { resource: coreResources.services, namespace: 'shop', name: 'web' };
    expect((await w.writeStatus(t, ingress)).outcome).toBe('written');
    expect((await w.writeStatus(t, ingress)).outcome).toBe('unchanged');
    expect((await w.writeStatus(t, { conditions: [{ type: 'A' }] })).outcome).toBe('written');
    expect(w.statusOf(t)).toEqual({ ...ingress, conditions: [{ type: 'A' }] });
    expect((await w.writeStatus(t, { conditions: null })).outcome).toBe('written');
    expect(w.statusOf(t)).toEqual(ingress);
    w.guard = () => false;
    expect((await w.writeStatus(t, { x: 1 })).outcome).toBe('notLeader');
    expect(w.applied).toHaveLength(3);
  });

  it('applies and compares annotations too', async () => {
    const w = new FakeStatusWriter();
    const t = { resource: coreResources.services, namespace: 'shop', name: 'web' };
    const annotations = { 'example.com/pool': 'blue' };
    expect((await w.writeStatus(t, ingress, { annotations })).outcome).toBe('written');
    expect((await w.writeStatus(t, ingress, { annotations })).outcome).toBe('unchanged');
    expect(w.annotationsOf(t)).toEqual(annotations);
    expect((await w.writeStatus(t, ingress, { annotations: { 'example.com/pool': null } })).outcome).toBe(
      'written',
    );
    expect(w.annotationsOf(t)).toEqual({});
    expect(w.applied.map((x) => x.annotations)).toEqual([annotations, { 'example.com/pool': null }]);
  });
});

describe('ApiStatusWriter with a stale cache', () => {
  it('compares against what it wrote while the caller still holds the version it wrote over', async () => {
    let rv = 10;
    const api = new FakeKubeApi((req) => {
      const body = req.body as { status: unknown };
      return svc(String(++rv), body.status);
    });
    const w = new ApiStatusWriter({ api });
    const stale = svc('10', { loadBalancer: {} });
    const t = { resource: coreResources.services, namespace: 'shop', name: 'web', current: stale };
    expect((await w.writeStatus(t, ingress)).outcome).toBe('written');
    // The informer has not delivered our write yet: same stale copy, same desired status.
    expect((await w.writeStatus(t, ingress)).outcome).toBe('unchanged');
    expect((await w.writeStatus(t, ingress)).outcome).toBe('unchanged');
    // A different status is written over the version we produced, not the stale one: no 409.
    const other = { loadBalancer: { ingress: [{ ip: '192.0.2.99' }] } };
    expect((await w.writeStatus(t, other)).outcome).toBe('written');
    expect(
      api.requests.map((q) => [
        q.method,
        (q.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion,
      ]),
    ).toEqual([
      ['PATCH', '10'],
      ['PATCH', '11'],
    ]);
  });

  it('forgets what it wrote once the caller has a newer copy', async () => {
    const api = new FakeKubeApi((req) => svc('11', (req.body as { status: unknown }).status));
    const w = new ApiStatusWriter({ api });
    const t = { resource: coreResources.services, namespace: 'shop', name: 'web' };
    await w.writeStatus({ ...t, current: svc('10', {}) }, ingress);
    // Someone else cleared the status since (version 12): we must write again.
    expect((await w.writeStatus({ ...t, current: svc('12', { loadBalancer: {} }) }, ingress)).outcome).toBe(
      'written',
    );
  });
});
