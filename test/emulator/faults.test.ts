// Fault injection (programmatic and over the /__emu admin endpoint) as clients see it, the
// namespace lifecycle, and kubectl's Table watch.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADD, CoreV1Api, makeInformer } from '@kubernetes/client-node';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { startEmulator } from '@ironlb/emulator';
import type { Emulator } from '@ironlb/emulator';
import { codeOf, kubeConfigFor, sleep, waitFor } from './helpers.js';
import { Kubectl } from './kubectl.js';

let emu: Emulator;
let core: CoreV1Api;
const cm = (name: string): V1ConfigMap => ({ metadata: { name }, data: { a: 'b' } });

beforeAll(async () => {
  emu = await startEmulator();
  core = kubeConfigFor(emu).makeApiClient(CoreV1Api);
});
afterEach(() => emu.faults.reset());
afterAll(async () => {
  await emu.close();
});

function admin(path: string, body?: unknown, token = emu.adminToken): Promise<Response> {
  return fetch(emu.url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('fault injection', () => {
  it('fails writes with 429 (Retry-After) or 500 as configured over HTTP, then recovers', async () => {
    expect((await admin('/__emu/faults', { failWrites: { fraction: 1, code: 429, count: 1 } })).status).toBe(
      200,
    );
    const res = await fetch(`${emu.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(cm('f1')),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { reason: string }).reason).toBe('TooManyRequests');
    expect(
      (await codeOf(core.createNamespacedConfigMap({ namespace: 'default', body: cm('f1') }))).code,
    ).toBe(200);
    emu.faults.failWrites({ fraction: 1, code: 500 });
    const r = await codeOf(core.createNamespacedConfigMap({ namespace: 'default', body: cm('f2') }));
    expect(r.code).toBe(500);
    expect(r.body.reason).toBe('InternalError');
    expect((await codeOf(core.readNamespacedConfigMap({ name: 'f1', namespace: 'default' }))).code).toBe(200);
  });

  it('refuses the admin endpoint without the admin token', async () => {
    expect((await admin('/__emu/faults', { compact: true }, emu.tokenFor('alice'))).status).toBe(401);
    expect((await admin('/__emu/faults')).status).toBe(200);
  });

  it('adds latency and pauses until resumed', async () => {
    emu.faults.setLatency(150);
    let t0 = Date.now();
    await core.listNamespace();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    emu.faults.setLatency(0);
    emu.faults.pause();
    t0 = Date.now();
    const pending = core.listNamespace();
    await sleep(200);
    emu.faults.resume();
    await pending;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('resets a connection', async () => {
    emu.faults.resetNext(1);
    const r = await codeOf(core.listNamespace());
    expect(r.code).not.toBe(200);
    expect((await codeOf(core.listNamespace())).code).toBe(200);
  });

  it('drop-watches makes an informer re-watch without relisting; goneOnNextWatch makes it relist', async () => {
    const inf = makeInformer<V1ConfigMap>(kubeConfigFor(emu), '/api/v1/namespaces/default/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const added: string[] = [];
    inf.on(ADD, (o) => added.push(o.metadata!.name!));
    await inf.start();
    const lists = () =>
      emu
        .requests()
        .filter(
          (r) =>
            r.method === 'GET' &&
            r.path === '/api/v1/namespaces/default/configmaps' &&
            !r.query.includes('watch'),
        ).length;
    const before = lists();
    expect((await admin('/__emu/drop-watches', {})).status).toBe(200);
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('after-drop') });
    await waitFor('add after drop', () => added.includes('after-drop'));
    expect(lists()).toBe(before);
    emu.faults.goneOnNextWatch(1);
    emu.faults.dropWatches();
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('after-gone') });
    await waitFor('add after gone', () => added.includes('after-gone'));
    expect(lists()).toBe(before + 1);
    await inf.stop();
  });
});

describe('namespace lifecycle', () => {
  it('DELETE marks Terminating, refuses new content, empties it, then removes it', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: cm('plain') });
    await core.createNamespacedConfigMap({
      namespace: 'doomed',
      body: { ...cm('held'), metadata: { name: 'held', finalizers: ['ironlb.io/test'] } },
    });
    const ns = await core.deleteNamespace({ name: 'doomed' });
    expect((ns as { status?: { phase?: string } }).status?.phase).toBe('Terminating');
    const refused = await codeOf(core.createNamespacedConfigMap({ namespace: 'doomed', body: cm('late') }));
    expect(refused.code).toBe(403);
    expect(refused.body.message).toContain('because it is being terminated');
    await waitFor(
      'plain configmap gone',
      async () =>
        (await codeOf(core.readNamespacedConfigMap({ name: 'plain', namespace: 'doomed' }))).code === 404,
    );
    expect((await codeOf(core.readNamespace({ name: 'doomed' }))).code).toBe(200);
    const held = await core.readNamespacedConfigMap({ name: 'held', namespace: 'doomed' });
    await core.replaceNamespacedConfigMap({
      name: 'held',
      namespace: 'doomed',
      body: { ...held, metadata: { ...held.metadata, finalizers: [] } },
    });
    await waitFor(
      'namespace gone',
      async () => (await codeOf(core.readNamespace({ name: 'doomed' }))).code === 404,
    );
  });
});

describe('kubectl get -w', () => {
  it('prints table rows from a Table watch', async () => {
    const k = new Kubectl(emu);
    try {
      const watching = k
        .run(['get', 'configmaps', '-w', '--request-timeout=2s'], { fail: true, timeoutMs: 15_000 })
        .catch((e: Error) => e);
      await sleep(700);
      await core.createNamespacedConfigMap({ namespace: 'default', body: cm('watched-cm') });
      const r = await watching;
      const out = r instanceof Error ? r.message : r.stdout;
      expect(out).toMatch(/watched-cm\s+1\s+\d+s/);
    } finally {
      k.cleanup();
    }
  });
});

describe('garbage collection over ownerReferences', () => {
  const owned = (name: string, owners: V1ConfigMap[]): V1ConfigMap => ({
    metadata: {
      name,
      ownerReferences: owners.map((o) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: o.metadata!.name!,
        uid: o.metadata!.uid!,
      })),
    },
  });
  const gone = async (name: string) =>
    (await codeOf(core.readNamespacedConfigMap({ name, namespace: 'default' }))).code === 404;

  it('deletes a dependent once its last owner is gone, and orphans on request', async () => {
    const a = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('owner-a') });
    const b = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('owner-b') });
    const c = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('owner-c') });
    await core.createNamespacedConfigMap({ namespace: 'default', body: owned('dep-a', [a]) });
    await core.createNamespacedConfigMap({ namespace: 'default', body: owned('dep-ab', [a, b]) });
    await core.createNamespacedConfigMap({ namespace: 'default', body: owned('dep-c', [c]) });
    await core.deleteNamespacedConfigMap({ name: 'owner-a', namespace: 'default' });
    await waitFor('dep-a collected', () => gone('dep-a'));
    await sleep(50);
    expect(await gone('dep-ab')).toBe(false);
    const k = new Kubectl(emu);
    try {
      await k.run(['delete', 'configmap', 'owner-c', '--cascade=orphan'], {
        allow: [{ method: 'GET', path: /owner-c$/, status: 404 }],
      });
    } finally {
      k.cleanup();
    }
    await sleep(50);
    const orphan = await core.readNamespacedConfigMap({ name: 'dep-c', namespace: 'default' });
    expect(orphan.metadata!.ownerReferences).toBeUndefined();
  });
});
