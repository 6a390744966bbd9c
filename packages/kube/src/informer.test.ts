import { afterEach, describe, expect, it } from 'vitest';
import { HttpKubeApi } from './api-client.js';
import { ApiInformer } from './informer.js';
import { InformerSet } from './informer-set.js';
import { createRuntimeMetrics } from './metrics.js';
import { coreResources } from './resource.js';
import type { KubeObject } from './resource.js';
import { StubApiServer } from './testing/stub-api-server.js';

type Svc = KubeObject & { spec?: { n: number } };

const servers: StubApiServer[] = [];
const informers: ApiInformer<Svc>[] = [];
afterEach(async () => {
  for (const i of informers.splice(0)) await i.stop();
  for (const s of servers.splice(0)) await s.close();
});

async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function setup(opts: { pageSize?: number; backoff?: { baseMs: number; maxMs: number } } = {}) {
  const server = await new StubApiServer('/api/v1/services', 'Service').start();
  servers.push(server);
  const kc = server.kubeConfig();
  const metrics = createRuntimeMetrics();
  const api = new HttpKubeApi(kc, { metrics });
  const informer = new ApiInformer<Svc>({
    kubeConfig: kc,
    api,
    resource: coreResources.services,
    metrics,
    pageSize: opts.pageSize,
    backoff: opts.backoff ?? { baseMs: 20, maxMs: 100 },
  });
  informers.push(informer);
  const log: string[] = [];
  informer.addHandlers({
    onAdd: (o) => log.push(`add ${o.metadata?.name}`),
    onUpdate: (a, b) => log.push(`update ${b.metadata?.name} ${a.spec?.n}->${b.spec?.n}`),
    onDelete: (o) => log.push(`delete ${o.metadata?.name}`),
  });
  return { server, informer, log, metrics };
}

const svc = (name: string, n = 0): Svc & { metadata: { name: string } } => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop' },
  spec: { n },
});

describe('ApiInformer', () => {
  it('lists (paged), signals synced, then follows the watch with old and new objects', async () => {
    const { server, informer, log } = await setup({ pageSize: 2 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) server.put(svc(n));
    informer.start();
    await informer.waitForSync();
    expect(informer.size).toBe(5);
    expect(server.requests.filter((r) => r.includes('limit=2'))).toHaveLength(3);
    // List items come without kind; the informer fills it in so they look like watch objects.
    expect(informer.get('shop/a')).toMatchObject({ apiVersion: 'v1', kind: 'Service' });
    server.put(svc('a', 1));
    server.delete('shop/b');
    server.put(svc('f'));
    await until(() => log.length === 8, 'three watch events');
    expect(log.slice(5)).toEqual(['update a 0->1', 'delete b', 'add f']);
    expect(informer.keys().sort()).toEqual(['shop/a', 'shop/c', 'shop/d', 'shop/e', 'shop/f']);
  });

  it('late handlers get the cached objects as adds', async () => {
    const { server, informer } = await setup();
    server.put(svc('a'));
    informer.start();
    await informer.waitForSync();
    const seen: string[] = [];
    informer.addHandlers({ onAdd: (o) => seen.push(o.metadata!.name!) });
    expect(seen).toEqual(['a']);
  });

  it('rewatches from its resourceVersion after the server closes the watch (no relist)', async () => {
    const { server, informer, log } = await setup();
    server.put(svc('a'));
    informer.start();
    await informer.waitForSync();
    const lists = () => server.requests.filter((r) => !r.includes('watch=true')).length;
    expect(lists()).toBe(1);
    server.dropWatches();
    await until(() => server.watcherCount === 1, 'a new watch');
    server.put(svc('a', 2));
    await until(() => log.includes('update a 0->2'), 'the update');
    expect(lists()).toBe(1);
  });

  it('relists after 410 Gone and reconciles the cache (deletes missed while away are delivered)', async () => {
    const { server, informer, log, metrics } = await setup();
    server.put(svc('a'));
    server.put(svc('b'));
    informer.start();
    await informer.waitForSync();
    server.dropWatches();
    server.silentlyDelete('shop/a'); // compacts the log: the rewatch gets 410
    await until(() => log.includes('delete a'), 'the relist to notice the delete');
    expect(informer.keys()).toEqual(['shop/b']);
    const lists = (await metrics.informerRelists.get()).values[0]?.value;
    expect(lists).toBe(2);
  });

  it('restarts with backoff after list and watch errors, and still syncs', async () => {
    const { server, informer, metrics } = await setup();
    server.put(svc('a'));
    server.failLists = { count: 3, status: 500 };
    informer.start();
    await informer.waitForSync();
    expect(informer.size).toBe(1);
    server.failWatches = { count: 2, status: 503 };
    server.dropWatches();
    await until(() => server.watcherCount === 1, 'the watch to come back');
    server.put(svc('z'));
    await until(() => informer.size === 2, 'the new object');
    const errors = (await metrics.informerErrors.get()).values[0]?.value;
    expect(errors).toBe(5);
  });

  it('relists at once when a watch is answered 410 Gone (no backoff, not an error)', async () => {
    const { server, informer, log, metrics } = await setup({ backoff: { baseMs: 60_000, maxMs: 60_000 } });
    server.put(svc('a'));
    informer.start();
    await informer.waitForSync();
    server.failWatches = { count: 1, status: 410 };
    server.dropWatches();
    server.put(svc('b'));
    await until(() => log.includes('add b'), 'the relist');
    expect((await metrics.informerRelists.get()).values[0]?.value).toBe(2);
    expect((await metrics.informerErrors.get()).values).toEqual([]);
  });

  it('caches what transform returns, for lists and watch events alike', async () => {
    const server = await new StubApiServer('/api/v1/services', 'Service').start();
    servers.push(server);
    const kc = server.kubeConfig();
    const informer = new ApiInformer<Svc>({
      kubeConfig: kc,
      api: new HttpKubeApi(kc),
      resource: coreResources.services,
      transform: (o) => ({ metadata: o.metadata, spec: { n: ((o as Svc).spec?.n ?? 0) * 10 } }) as Svc,
    });
    informers.push(informer);
    server.put(svc('a', 1));
    informer.start();
    await informer.waitForSync();
    expect(informer.get('shop/a')).toEqual({
      metadata: expect.objectContaining({ name: 'a' }),
      spec: { n: 10 },
    });
    server.put(svc('b', 2));
    await until(() => informer.size === 2, 'the watch event');
    expect(informer.get('shop/b')).toEqual({
      metadata: expect.objectContaining({ name: 'b' }),
      spec: { n: 20 },
    });
  });

  it('stop() stops watching and does not restart', async () => {
    const { server, informer } = await setup();
    informer.start();
    await informer.waitForSync();
    await informer.stop();
    await until(() => server.watcherCount === 0, 'the watch to close');
    await new Promise((r) => setTimeout(r, 100));
    expect(server.watcherCount).toBe(0);
  });
});

describe('InformerSet', () => {
  it('starts informers together, reports readiness until they sync, and stops them', async () => {
    const server = await new StubApiServer('/api/v1/services', 'Service').start();
    servers.push(server);
    server.put(svc('a'));
    server.failLists = { count: 2, status: 500 };
    const kc = server.kubeConfig();
    const set = new InformerSet({
      kubeConfig: kc,
      api: new HttpKubeApi(kc),
      backoff: { baseMs: 20, maxMs: 50 },
    });
    const inf = set.informer<Svc>(coreResources.services);
    const check = set.readinessCheck();
    expect(await check()).toEqual({ ok: false, message: 'not synced: services' });
    set.start();
    await set.waitForSync();
    expect(set.hasSynced()).toBe(true);
    expect(await check()).toEqual({ ok: true });
    expect(inf.get('shop/a')).toBeDefined();
    await set.stop();
    await until(() => server.watcherCount === 0, 'the watch to close');
  });
});
