// ApiStatusWriter and ApiEventRecorder against the emulator: Service and custom resource
// status through /status, no-op writes skipped even though the server defaults ipMode,
// conflicts retried, injected 500s reported; core/v1 Events that kubectl shows, with repeats
// counted on one Event.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiEventRecorder, ApiStatusWriter, coreResources, customResource, setCondition } from '@ironlb/kube';
import type { ObjectWithStatus } from '@ironlb/kube';
import { Kubectl, startCluster } from './helpers.js';
import type { Cluster } from './helpers.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
});
afterEach(() => cluster.emu.faults.reset());
afterAll(async () => {
  await cluster.close();
});

const svcPath = (name: string) => `/api/v1/namespaces/default/services/${name}`;
const pools = customResource('ironlb.io', 'v1beta1', 'ipaddresspools', 'IPAddressPool');

async function createService(name: string): Promise<ObjectWithStatus> {
  return cluster.api.request({
    method: 'POST',
    path: '/api/v1/namespaces/default/services',
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
    },
  });
}

const patches = (path: string) =>
  cluster.emu.requests().filter((r) => r.method === 'PATCH' && r.path === `${path}/status`);

describe('ApiStatusWriter against the emulator', () => {
  it('writes Service ingress, then skips the same write although the server added ipMode: VIP', async () => {
    const svc = await createService('web');
    const writer = new ApiStatusWriter({ api: cluster.api, metrics: cluster.metrics });
    const desired = { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } };
    const target = { resource: coreResources.services, namespace: 'default', name: 'web' };
    const first = await writer.writeStatus({ ...target, current: svc }, desired);
    expect(first.outcome).toBe('written');
    const stored = await cluster.api.request<ObjectWithStatus>({ method: 'GET', path: svcPath('web') });
    expect(stored.status).toEqual({ loadBalancer: { ingress: [{ ip: '192.0.2.10', ipMode: 'VIP' }] } });
    const second = await writer.writeStatus({ ...target, current: stored }, desired);
    expect(second.outcome).toBe('unchanged');
    expect(patches(svcPath('web'))).toHaveLength(1);
  });

  it('retries a write whose resourceVersion went stale (409), re-reading the object', async () => {
    const stale = await createService('busy');
    await cluster.api.request({
      method: 'PATCH',
      path: svcPath('busy'),
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { touched: 'yes' } } },
    });
    const writer = new ApiStatusWriter({ api: cluster.api });
    const r = await writer.writeStatus(
      { resource: coreResources.services, namespace: 'default', name: 'busy', current: stale },
      { loadBalancer: { ingress: [{ ip: '192.0.2.11' }] } },
    );
    expect(r.outcome).toBe('written');
    expect(patches(svcPath('busy')).map((p) => p.status)).toEqual([409, 200]);
  });

  it('writes custom resource status with conditions, leaving spec alone', async () => {
    await cluster.api.request({
      method: 'POST',
      path: '/apis/ironlb.io/v1beta1/ipaddresspools',
      body: {
        apiVersion: 'ironlb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'red' },
        spec: { addresses: ['198.51.100.0/28'] },
      },
    });
    const writer = new ApiStatusWriter({ api: cluster.api });
    const conditions = setCondition(
      [],
      { type: 'Valid', status: 'True', reason: 'valid', message: 'in use', observedGeneration: 1 },
      Date.now(),
    );
    const r = await writer.writeStatus(
      { resource: pools, name: 'red' },
      { assignedIPv4: 0, availableIPv4: 16, conditions },
    );
    expect(r.outcome).toBe('written');
    const again = await writer.writeStatus(
      { resource: pools, name: 'red' },
      { assignedIPv4: 0, availableIPv4: 16, conditions },
    );
    expect(again.outcome).toBe('unchanged');
    const stored = await cluster.api.request<ObjectWithStatus & { spec: unknown }>({
      method: 'GET',
      path: '/apis/ironlb.io/v1beta1/ipaddresspools/red',
    });
    expect(stored.spec).toMatchObject({ addresses: ['198.51.100.0/28'] });
    expect(stored.status).toMatchObject({
      availableIPv4: 16,
      conditions: [{ type: 'Valid', status: 'True' }],
    });
  });

  it('reports injected 500s as transient failures, and notFound for a deleted object', async () => {
    const svc = await createService('flaky');
    const writer = new ApiStatusWriter({ api: cluster.api });
    cluster.emu.faults.failWrites({ fraction: 1, code: 500 });
    const r = await writer.writeStatus(
      { resource: coreResources.services, namespace: 'default', name: 'flaky', current: svc },
      { loadBalancer: { ingress: [{ ip: '192.0.2.12' }] } },
    );
    expect(r).toMatchObject({ outcome: 'failed', reason: 'transient' });
    cluster.emu.faults.reset();
    await cluster.api.request({ method: 'DELETE', path: svcPath('flaky') });
    const gone = await writer.writeStatus(
      { resource: coreResources.services, namespace: 'default', name: 'flaky', current: svc },
      { loadBalancer: { ingress: [{ ip: '192.0.2.12' }] } },
    );
    expect(gone.outcome).toBe('notFound');
  });
});

describe('ApiEventRecorder against the emulator', () => {
  it('creates core/v1 Events that kubectl shows, and counts repeats on one Event', async () => {
    const svc = await createService('evented');
    const recorder = new ApiEventRecorder({
      api: cluster.api,
      component: 'ironlb-controller',
      instance: 'test-1',
      repeatFlushMs: 50,
    });
    const ref = {
      apiVersion: 'v1',
      kind: 'Service',
      namespace: 'default',
      name: 'evented',
      uid: svc.metadata!.uid,
    };
    recorder.record(ref, { type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP 192.0.2.20' });
    for (let i = 0; i < 5; i++)
      recorder.record(ref, { type: 'Warning', reason: 'AllocationFailed', message: 'pool blue is full' });
    await recorder.flush();
    await new Promise((r) => setTimeout(r, 100));
    await recorder.flush();
    const list = await cluster.api.request<{
      items: { reason: string; count: number; type: string; involvedObject: { uid: string } }[];
    }>({
      method: 'GET',
      path: '/api/v1/namespaces/default/events',
      query: { fieldSelector: 'involvedObject.name=evented' },
    });
    const byReason = Object.fromEntries(list.items.map((e) => [e.reason, e]));
    expect(Object.keys(byReason).sort()).toEqual(['AllocationFailed', 'IPAllocated']);
    expect(byReason.AllocationFailed).toMatchObject({
      count: 5,
      type: 'Warning',
      involvedObject: { uid: svc.metadata!.uid },
    });
    const kubectl = new Kubectl(cluster.emu);
    try {
      const r = await kubectl.run([
        'get',
        'events',
        '-n',
        'default',
        '--field-selector',
        'involvedObject.name=evented',
      ]);
      expect(r.stdout).toMatch(/Warning\s+AllocationFailed\s+service\/evented\s+pool blue is full/);
      expect(r.stdout).toMatch(/Normal\s+IPAllocated\s+service\/evented\s+Assigned IP 192\.0\.2\.20/);
    } finally {
      kubectl.cleanup();
    }
  });

  it('puts Events about cluster-scoped objects in the default namespace', async () => {
    const recorder = new ApiEventRecorder({
      api: cluster.api,
      component: 'ironlb-controller',
      instance: 'test-1',
    });
    recorder.record(
      { apiVersion: 'ironlb.io/v1beta1', kind: 'IPAddressPool', name: 'red' },
      { type: 'Warning', reason: 'overlappingAddresses', message: 'x' },
    );
    await recorder.flush();
    const list = await cluster.api.request<{ items: { reason: string }[] }>({
      method: 'GET',
      path: '/api/v1/namespaces/default/events',
      query: { fieldSelector: 'involvedObject.name=red' },
    });
    expect(list.items.map((e) => e.reason)).toEqual(['overlappingAddresses']);
  });
});
