// ApiInformer against the emulator over HTTP with the real client-node ListWatch: built-in
// and custom resources, dropped watches, forced 410s, connection resets, a paused API.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IPAddressPool } from '@ironlb/config';
import { ApiInformer, coreResources, customResource } from '@ironlb/kube';
import type { KubeObject } from '@ironlb/kube';
import { startCluster, waitFor } from './helpers.js';
import type { Cluster } from './helpers.js';

type Service = KubeObject & { spec?: { type?: string; ports?: { port: number }[] } };

let cluster: Cluster;
const informers: ApiInformer<KubeObject>[] = [];
const pools = customResource('ironlb.io', 'v1beta1', 'ipaddresspools', 'IPAddressPool');

beforeAll(async () => {
  cluster = await startCluster();
});
afterEach(async () => {
  for (const i of informers.splice(0)) await i.stop();
  cluster.emu.faults.reset();
});
afterAll(async () => {
  await cluster.close();
});

function serviceBody(name: string, port = 80) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { type: 'LoadBalancer', ports: [{ port }] },
  };
}

async function createService(name: string, port = 80): Promise<void> {
  await cluster.api.request({
    method: 'POST',
    path: '/api/v1/namespaces/default/services',
    body: serviceBody(name, port),
  });
}

function recorder<T extends KubeObject>(informer: ApiInformer<T>) {
  const log: string[] = [];
  informer.addHandlers({
    onAdd: (o) => log.push(`add ${o.metadata?.name}`),
    onUpdate: (a, b) => {
      if (a.metadata?.resourceVersion !== b.metadata?.resourceVersion) log.push(`update ${b.metadata?.name}`);
    },
    onDelete: (o) => log.push(`delete ${o.metadata?.name}`),
  });
  return log;
}

function serviceInformer(opts: { labelSelector?: string } = {}): ApiInformer<Service> {
  const inf = new ApiInformer<Service>({
    kubeConfig: cluster.kc,
    api: cluster.api,
    resource: coreResources.services,
    metrics: cluster.metrics,
    backoff: { baseMs: 50, maxMs: 500 },
    pageSize: 7,
    ...opts,
  });
  informers.push(inf as ApiInformer<KubeObject>);
  return inf;
}

describe('ApiInformer against the emulator', () => {
  it('syncs services (paged list), then follows adds, updates and deletes', async () => {
    for (let i = 0; i < 20; i++) await createService(`s${i}`);
    const inf = serviceInformer();
    const log = recorder(inf);
    inf.start();
    await inf.waitForSync();
    expect(inf.keys().filter((k) => k.startsWith('default/s'))).toHaveLength(20);
    const obj = inf.get('default/s3')!;
    expect(obj).toMatchObject({ apiVersion: 'v1', kind: 'Service' });
    expect(typeof obj.metadata?.creationTimestamp).toBe('string');
    log.length = 0;
    await createService('late');
    await cluster.api.request({
      method: 'PATCH',
      path: '/api/v1/namespaces/default/services/s1',
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { changed: 'yes' } } },
    });
    await cluster.api.request({ method: 'DELETE', path: '/api/v1/namespaces/default/services/s2' });
    await waitFor('three events', () => log.length >= 3);
    expect(log).toEqual(['add late', 'update s1', 'delete s2']);
  });

  it('informs on custom resources with typed objects', async () => {
    const inf = new ApiInformer<IPAddressPool>({
      kubeConfig: cluster.kc,
      api: cluster.api,
      resource: pools,
      backoff: { baseMs: 50, maxMs: 500 },
    });
    informers.push(inf as ApiInformer<KubeObject>);
    const log = recorder(inf);
    inf.start();
    await inf.waitForSync();
    await cluster.api.request({
      method: 'POST',
      path: '/apis/ironlb.io/v1beta1/ipaddresspools',
      body: {
        apiVersion: 'ironlb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'blue' },
        spec: { addresses: ['192.0.2.0/28'] },
      },
    });
    await waitFor('the pool', () => inf.get('blue') !== undefined);
    // The emulator applied the schema defaults.
    expect(inf.get('blue')!.spec).toEqual({
      addresses: ['192.0.2.0/28'],
      autoAssign: true,
      avoidBuggyIPs: false,
    });
    expect(log).toEqual(['add blue']);
  });

  it('rewatches after dropped watches without relisting, and misses nothing', async () => {
    const inf = serviceInformer();
    inf.start();
    await inf.waitForSync();
    const lists = () =>
      cluster.emu
        .requests()
        .filter((r) => r.method === 'GET' && r.path === '/api/v1/services' && !r.query.includes('watch='))
        .length;
    const before = lists();
    for (let i = 0; i < 5; i++) {
      cluster.emu.faults.dropWatches();
      await createService(`drop${i}`);
    }
    await waitFor('every service', () => [0, 1, 2, 3, 4].every((i) => inf.get(`default/drop${i}`)));
    expect(lists()).toBe(before);
  });

  it('relists after a forced 410 and delivers the deletes it missed', async () => {
    await createService('gone-soon');
    const inf = serviceInformer();
    const log = recorder(inf);
    inf.start();
    await inf.waitForSync();
    log.length = 0;
    cluster.emu.faults.goneOnNextWatch(1);
    cluster.emu.faults.compact();
    cluster.emu.faults.dropWatches();
    await cluster.api.request({ method: 'DELETE', path: '/api/v1/namespaces/default/services/gone-soon' });
    await createService('after-410');
    await waitFor(
      'the cache to converge',
      () => !inf.get('default/gone-soon') && inf.get('default/after-410') !== undefined,
    );
    expect(log).toContain('delete gone-soon');
    expect(log).toContain('add after-410');
    const relists = (await cluster.metrics.informerRelists.get()).values.find(
      (v) => v.labels.resource === 'services',
    );
    expect(relists!.value).toBeGreaterThanOrEqual(2);
  });

  it('survives connection resets and a paused API, with backoff, and catches up', async () => {
    const inf = serviceInformer();
    inf.start();
    await inf.waitForSync();
    cluster.emu.faults.pause({ exemptAdmin: false });
    cluster.emu.faults.dropWatches();
    await new Promise((r) => setTimeout(r, 300));
    cluster.emu.faults.resume();
    await createService('after-pause');
    await waitFor(
      'the informer to see through the pause',
      () => inf.get('default/after-pause') !== undefined,
    );
    cluster.emu.faults.resetNext(3);
    cluster.emu.faults.dropWatches();
    await waitFor('the resets to be used up', () => cluster.emu.faults.state().resetNextRequests === 0);
    await createService('after-outage');
    await waitFor('the informer to catch up', () => inf.get('default/after-outage') !== undefined, 15_000);
  });

  it('filters with a label selector on list and watch', async () => {
    const inf = serviceInformer({ labelSelector: 'app=picked' });
    inf.start();
    await inf.waitForSync();
    await createService('picked');
    await createService('ignored');
    await waitFor('the selected service', () => inf.get('default/picked') !== undefined);
    expect(inf.get('default/ignored')).toBeUndefined();
    expect(inf.size).toBe(1);
  });
});
