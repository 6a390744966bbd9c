// Conformance of the emulator against the real @kubernetes/client-node 1.x (scenarios C1-C15
// of the design brief §8.1, C5 excepted: it needs client-node 2.x, which needs Node 22).
// Every check drives the unmodified library over HTTP and asserts what it sees.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ADD,
  ApiextensionsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DELETE,
  DiscoveryV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  UPDATE,
  V1MicroTime,
  makeInformer,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { KubeConfig } from '@kubernetes/client-node';
import type { V1EndpointSlice, V1Lease, V1Service } from '@kubernetes/client-node';
import { startEmulator } from '@ironlb/emulator';
import type { Emulator } from '@ironlb/emulator';
import { codeOf, kubeConfigFor, sleep, waitFor } from './helpers.js';

type Informer = ReturnType<typeof makeInformer<V1Service>>;

let emu: Emulator;
let kc: KubeConfig;
let core: CoreV1Api;
const informers: Informer[] = [];

beforeAll(async () => {
  emu = await startEmulator({ requestLogLimit: 5000 });
  kc = kubeConfigFor(emu);
  core = kc.makeApiClient(CoreV1Api);
});
afterEach(async () => {
  for (const inf of informers.splice(0)) await inf.stop().catch(() => undefined);
  emu.faults.reset();
});
afterAll(async () => {
  await emu.close();
});

function svc(name: string, extra: Partial<V1Service['spec']> = {}): V1Service {
  return {
    metadata: { name, labels: { app: name } },
    spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...extra },
  };
}

/** A services informer that records its callbacks as `add:name`, `update:name`, `delete:name`. */
async function serviceInformer(
  config: KubeConfig = kc,
  ns = 'c',
): Promise<{ inf: Informer; seen: string[] }> {
  const api = config.makeApiClient(CoreV1Api);
  const inf = makeInformer<V1Service>(config, `/api/v1/namespaces/${ns}/services`, () =>
    api.listNamespacedService({ namespace: ns }),
  );
  const seen: string[] = [];
  inf.on(ADD, (o) => seen.push(`add:${o.metadata!.name}`));
  inf.on(UPDATE, (o) => seen.push(`update:${o.metadata!.name}`));
  inf.on(DELETE, (o) => seen.push(`delete:${o.metadata!.name}`));
  informers.push(inf);
  await inf.start();
  return { inf, seen };
}

async function ensureNamespace(name: string): Promise<void> {
  await core.createNamespace({ body: { metadata: { name } } }).catch(() => undefined);
}

describe('client-node 1.x against the emulator', () => {
  it('C1: an informer sees add, update (spec), update (status), delete in order', async () => {
    await ensureNamespace('c');
    const { inf, seen } = await serviceInformer();
    await core.createNamespacedService({ namespace: 'c', body: svc('c1') });
    await waitFor('add', () => seen.includes('add:c1'));
    const cur = await core.readNamespacedService({ name: 'c1', namespace: 'c' });
    cur.spec!.ports![0]!.targetPort = 8080;
    await core.replaceNamespacedService({ name: 'c1', namespace: 'c', body: cur });
    await core.patchNamespacedServiceStatus(
      { name: 'c1', namespace: 'c', body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor('two updates', () => seen.filter((s) => s === 'update:c1').length === 2);
    const out = await execFileAsync('kubectl', [
      '--kubeconfig',
      kubeconfigFile(),
      '--cache-dir',
      cacheDir,
      'get',
      'svc',
      '-n',
      'c',
      '-o',
      'json',
    ]);
    const list = JSON.parse(out.stdout) as { items: V1Service[] };
    expect(inf.list().map((o) => o.metadata!.resourceVersion)).toEqual(
      list.items.map((o) => o.metadata!.resourceVersion),
    );
    await core.deleteNamespacedService({ name: 'c1', namespace: 'c' });
    await waitFor('delete', () => seen.includes('delete:c1'));
    expect(seen).toEqual(['add:c1', 'update:c1', 'update:c1', 'delete:c1']);
  });

  it('C2: a no-op status write keeps the RV and fires no update', async () => {
    await core.createNamespacedService({ namespace: 'c', body: svc('c2') });
    const status = { status: { loadBalancer: { ingress: [{ ip: '192.0.2.2', ipMode: 'VIP' }] } } };
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const first = await core.patchNamespacedServiceStatus(
      { name: 'c2', namespace: 'c', body: status },
      merge,
    );
    const { seen } = await serviceInformer();
    const rv = emu.resourceVersion();
    const second = await core.patchNamespacedServiceStatus(
      { name: 'c2', namespace: 'c', body: status },
      merge,
    );
    expect(second.metadata!.resourceVersion).toBe(first.metadata!.resourceVersion);
    expect(emu.resourceVersion()).toBe(rv);
    await sleep(200);
    expect(seen.filter((s) => s.startsWith('update'))).toEqual([]);
  });

  it('C3: server watch timeouts: re-watch from the last RV, no relist, every event once', async () => {
    const short = await startEmulator({ watchTimeoutSeconds: 1 });
    try {
      const skc = kubeConfigFor(short);
      const api = skc.makeApiClient(CoreV1Api);
      await api.createNamespace({ body: { metadata: { name: 'c' } } });
      const { seen } = await serviceInformer(skc);
      for (let i = 0; i < 12; i++) {
        await api.createNamespacedService({ namespace: 'c', body: svc(`t${i}`) });
        await sleep(250);
      }
      await waitFor('all adds', () => seen.length === 12, 5000);
      await sleep(300);
      expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `add:t${i}`));
      const reqs = short
        .requests()
        .filter((r) => r.path === '/api/v1/namespaces/c/services' && r.method === 'GET');
      const lists = reqs.filter((r) => !r.query.includes('watch=true'));
      const watches = reqs.filter((r) => r.query.includes('watch=true'));
      expect(lists).toHaveLength(1);
      expect(watches.length).toBeGreaterThanOrEqual(2);
    } finally {
      await short.close();
    }
  });

  it('C4: compaction while disconnected: 410 -> relist -> the cache converges with delete callbacks', async () => {
    await ensureNamespace('c4');
    await core.createNamespacedService({ namespace: 'c4', body: svc('a') });
    await core.createNamespacedService({ namespace: 'c4', body: svc('b') });
    const userKc = kubeConfigFor(emu, { as: { user: 'informer' } });
    const { inf, seen } = await serviceInformer(userKc, 'c4');
    expect(seen.sort()).toEqual(['add:a', 'add:b']);
    emu.faults.pause({ exemptAdmin: true });
    emu.faults.dropWatches();
    await core.deleteNamespacedService({ name: 'a', namespace: 'c4' });
    await core.createNamespacedService({ namespace: 'c4', body: svc('c') });
    emu.faults.compact();
    emu.faults.resume();
    await waitFor(
      'converged',
      () =>
        inf
          .list()
          .map((o) => o.metadata!.name)
          .sort()
          .join() === 'b,c',
    );
    expect(seen).toContain('delete:a');
    expect(seen).toContain('add:c');
    const lists = emu
      .requests()
      .filter(
        (r) =>
          r.method === 'GET' && r.path === '/api/v1/namespaces/c4/services' && !r.query.includes('watch'),
      );
    expect(lists.length).toBe(2);
  });

  it('C6: a label-selector informer turns relabels into delete and add', async () => {
    const disco = kc.makeApiClient(DiscoveryV1Api);
    const inf = makeInformer<V1EndpointSlice>(
      kc,
      '/apis/discovery.k8s.io/v1/endpointslices',
      () => disco.listEndpointSliceForAllNamespaces({ labelSelector: 'kubernetes.io/service-name=web' }),
      'kubernetes.io/service-name=web',
    );
    const seen: string[] = [];
    inf.on(ADD, (o) => seen.push(`add:${o.metadata!.name}`));
    inf.on(DELETE, (o) => seen.push(`delete:${o.metadata!.name}`));
    informers.push(inf as unknown as Informer);
    await inf.start();
    const slice: V1EndpointSlice = {
      metadata: { name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.0.2.20'], conditions: { ready: true } }],
    };
    await disco.createNamespacedEndpointSlice({ namespace: 'default', body: slice });
    await waitFor('add', () => seen.length === 1);
    const json = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
    const relabel = (v: string) =>
      disco.patchNamespacedEndpointSlice(
        {
          name: 'web-1',
          namespace: 'default',
          body: [{ op: 'replace', path: '/metadata/labels/kubernetes.io~1service-name', value: v }],
        },
        json,
      );
    await relabel('other');
    await waitFor('delete', () => seen.length === 2);
    await relabel('web');
    await waitFor('add again', () => seen.length === 3);
    expect(seen).toEqual(['add:web-1', 'delete:web-1', 'add:web-1']);
  });

  it('kubeconfigOptions() loads with KubeConfig.loadFromOptions, over HTTP and HTTPS', async () => {
    const tlsEmu = await startEmulator({ tls: true });
    try {
      for (const e of [emu, tlsEmu]) {
        const k = new KubeConfig();
        k.loadFromOptions(e.kubeconfigOptions({ namespace: 'kube-system' }));
        expect(k.getContextObject(k.getCurrentContext())?.namespace).toBe('kube-system');
        const names = (await k.makeApiClient(CoreV1Api).listNamespace()).items.map((n) => n.metadata!.name);
        expect(names).toContain('kube-system');
      }
    } finally {
      await tlsEmu.close();
    }
  });

  it('C7: informer.start() resolves at once on an idle resource (headers are flushed)', async () => {
    await ensureNamespace('idle');
    const t0 = Date.now();
    await serviceInformer(kc, 'idle');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('C8: patch*Status with the default (json-patch), merge patch, and a failing test op', async () => {
    await core.createNamespacedService({ namespace: 'c', body: svc('c8') });
    const ops = [{ op: 'add', path: '/status/loadBalancer/ingress', value: [{ ip: '192.0.2.8' }] }];
    const a = await core.patchNamespacedServiceStatus({ name: 'c8', namespace: 'c', body: ops });
    expect(a.status!.loadBalancer!.ingress![0]!.ip).toBe('192.0.2.8');
    const b = await core.patchNamespacedServiceStatus(
      { name: 'c8', namespace: 'c', body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.9' }] } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(b.status!.loadBalancer!.ingress).toEqual([{ ip: '192.0.2.9', ipMode: 'VIP' }]);
    const bad = [{ op: 'test', path: '/status/loadBalancer/ingress/0/ip', value: '198.51.100.1' }];
    const c = await codeOf(core.patchNamespacedServiceStatus({ name: 'c8', namespace: 'c', body: bad }));
    expect(c.code).toBe(422);
  });

  it('C9: status isolation on both endpoints, and the RV still bumps', async () => {
    const created = await core.createNamespacedService({ namespace: 'c', body: svc('c9') });
    const viaStatus = structuredClone(created);
    viaStatus.spec!.ports![0]!.port = 81;
    viaStatus.status = { loadBalancer: { ingress: [{ ip: '192.0.2.99' }] } };
    const s = await core.replaceNamespacedServiceStatus({ name: 'c9', namespace: 'c', body: viaStatus });
    expect(s.spec!.ports![0]!.port).toBe(80);
    expect(s.status!.loadBalancer!.ingress![0]!.ip).toBe('192.0.2.99');
    expect(Number(s.metadata!.resourceVersion)).toBeGreaterThan(Number(created.metadata!.resourceVersion));
    const viaMain = structuredClone(s);
    viaMain.status = { loadBalancer: {} };
    viaMain.metadata!.labels = { app: 'c9', changed: 'yes' };
    const m = await core.replaceNamespacedService({ name: 'c9', namespace: 'c', body: viaMain });
    expect(m.status!.loadBalancer!.ingress![0]!.ip).toBe('192.0.2.99');
    expect(m.metadata!.labels!.changed).toBe('yes');
    expect(Number(m.metadata!.resourceVersion)).toBeGreaterThan(Number(s.metadata!.resourceVersion));
  });

  it('C10: a LoadBalancer Service gets the real defaults and allocations', async () => {
    const s = await core.createNamespacedService({ namespace: 'c', body: svc('c10') });
    expect(s.spec!.clusterIP).toMatch(/^10\.96\./);
    expect(s.spec!.clusterIPs).toEqual([s.spec!.clusterIP]);
    expect(s.spec!.ports![0]!.nodePort).toBeGreaterThanOrEqual(30000);
    expect(s.spec).toMatchObject({
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      allocateLoadBalancerNodePorts: true,
    });
    expect(s.spec!.ports![0]).toMatchObject({ protocol: 'TCP', targetPort: 80 });
    expect(s.status).toEqual({ loadBalancer: {} });
    const w = await core.patchNamespacedServiceStatus(
      {
        name: 'c10',
        namespace: 'c',
        body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(w.status!.loadBalancer!.ingress![0]!.ipMode).toBe('VIP');
  });

  it('C11: lease election: one winner, stale PUT 409, PUT without RV 422, MicroTime layout', async () => {
    const coord = kc.makeApiClient(CoordinationV1Api);
    const lease = (holder: string): V1Lease => ({
      metadata: { name: 'ironlb-controller', namespace: 'kube-system' },
      spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: new V1MicroTime() },
    });
    const results = await Promise.all([
      codeOf(coord.createNamespacedLease({ namespace: 'kube-system', body: lease('a') })),
      codeOf(coord.createNamespacedLease({ namespace: 'kube-system', body: lease('b') })),
    ]);
    expect(results.map((r) => r.code).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.code === 409)!.body.reason).toBe('AlreadyExists');
    const cur = await coord.readNamespacedLease({ name: 'ironlb-controller', namespace: 'kube-system' });
    const renewed = await coord.replaceNamespacedLease({
      name: 'ironlb-controller',
      namespace: 'kube-system',
      body: { ...cur, spec: { ...cur.spec, renewTime: new V1MicroTime() } },
    });
    expect(renewed.metadata!.resourceVersion).not.toBe(cur.metadata!.resourceVersion);
    const stale = await codeOf(
      coord.replaceNamespacedLease({ name: 'ironlb-controller', namespace: 'kube-system', body: cur }),
    );
    expect(stale.code).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    const noRv = { ...renewed, metadata: { ...renewed.metadata, resourceVersion: undefined } };
    const unconditional = await codeOf(
      coord.replaceNamespacedLease({ name: 'ironlb-controller', namespace: 'kube-system', body: noRv }),
    );
    expect(unconditional.code).toBe(422);
    const jsDate = await codeOf(
      coord.replaceNamespacedLease({
        name: 'ironlb-controller',
        namespace: 'kube-system',
        body: { ...renewed, spec: { ...renewed.spec, renewTime: new Date() as V1MicroTime } },
      }),
    );
    expect(jsDate.code).toBe(400);
    expect(String(jsDate.body.message)).toContain('cannot parse');
  });

  it('C12: custom resources: generation, status subresource, SMP rejected with 415', async () => {
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: 'widgets.test.ironlb.io' },
        spec: {
          group: 'test.ironlb.io',
          scope: 'Cluster',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: { type: 'object', properties: { size: { type: 'integer' } } },
                    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
                  },
                },
              },
            },
          ],
        },
      },
    });
    const co = kc.makeApiClient(CustomObjectsApi);
    const g = { group: 'test.ironlb.io', version: 'v1', plural: 'widgets' };
    type W = {
      metadata: { generation: number; resourceVersion: string };
      spec: { size: number };
      status?: { ready: boolean };
    };
    const w = (await co.createClusterCustomObject({
      ...g,
      body: {
        apiVersion: 'test.ironlb.io/v1',
        kind: 'Widget',
        metadata: { name: 'w1' },
        spec: { size: 1 },
        status: { ready: true },
      },
    })) as W;
    expect(w.metadata.generation).toBe(1);
    expect(w.status).toBeUndefined();
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const labelled = (await co.patchClusterCustomObject(
      { ...g, name: 'w1', body: { metadata: { labels: { a: 'b' } } } },
      merge,
    )) as W;
    expect(labelled.metadata.generation).toBe(1);
    const grown = (await co.patchClusterCustomObject(
      { ...g, name: 'w1', body: { spec: { size: 2 } } },
      merge,
    )) as W;
    expect(grown.metadata.generation).toBe(2);
    const st = (await co.replaceClusterCustomObjectStatus({
      ...g,
      name: 'w1',
      body: { ...grown, spec: { size: 99 }, status: { ready: true } },
    })) as W;
    expect(st.spec.size).toBe(2);
    expect(st.status).toEqual({ ready: true });
    expect(st.metadata.generation).toBe(2);
    const objApi = KubernetesObjectApi.makeApiClient(kc);
    const smp = await codeOf(
      objApi.patch({
        apiVersion: 'test.ironlb.io/v1',
        kind: 'Widget',
        metadata: { name: 'w1' },
        spec: { size: 3 },
      } as never),
    );
    expect(smp.code).toBe(415);
  });

  it('C13: errors surface as ApiException codes with real Status bodies', async () => {
    const nf = await codeOf(core.readNamespacedService({ name: 'nope', namespace: 'c' }));
    expect(nf).toMatchObject({
      code: 404,
      body: { reason: 'NotFound', details: { name: 'nope', kind: 'services' } },
    });
    expect(nf.body.message).toBe('services "nope" not found');
    await core.createNamespacedService({ namespace: 'c', body: svc('c13') });
    const ae = await codeOf(core.createNamespacedService({ namespace: 'c', body: svc('c13') }));
    expect(ae).toMatchObject({
      code: 409,
      body: { reason: 'AlreadyExists', details: { name: 'c13', kind: 'services' } },
    });
    const cur = await core.readNamespacedService({ name: 'c13', namespace: 'c' });
    await core.replaceNamespacedService({
      name: 'c13',
      namespace: 'c',
      body: { ...cur, metadata: { ...cur.metadata, labels: { x: 'y' } } },
    });
    const cf = await codeOf(core.replaceNamespacedService({ name: 'c13', namespace: 'c', body: cur }));
    expect(cf.code).toBe(409);
    expect(cf.body.message).toBe(
      'Operation cannot be fulfilled on services "c13": the object has been modified; please apply your changes to the latest version and try again',
    );
    const inv = await codeOf(
      core.createNamespacedService({
        namespace: 'c',
        body: { metadata: { name: 'bad' }, spec: { ports: [{ port: 0 }] } },
      }),
    );
    expect(inv.code).toBe(422);
    expect(inv.body.message).toBe(
      'Service "bad" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    );
    expect(inv.body.details).toMatchObject({
      name: 'bad',
      kind: 'Service',
      causes: [{ reason: 'FieldValueInvalid', field: 'spec.ports[0].port' }],
    });
  });

  it('C14: finalizers: DELETE marks, emptying the finalizers removes', async () => {
    await ensureNamespace('c14');
    const { seen } = await serviceInformer(kc, 'c14');
    await core.createNamespacedService({
      namespace: 'c14',
      body: { ...svc('f'), metadata: { name: 'f', finalizers: ['ironlb.io/test'] } },
    });
    const del = await core.deleteNamespacedService({ name: 'f', namespace: 'c14' });
    expect((del as V1Service).metadata!.deletionTimestamp).toBeDefined();
    await waitFor('update with deletionTimestamp', () => seen.includes('update:f'));
    const still = await core.readNamespacedService({ name: 'f', namespace: 'c14' });
    expect(still.metadata!.deletionTimestamp).toBeDefined();
    await core.patchNamespacedService(
      { name: 'f', namespace: 'c14', body: { metadata: { finalizers: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor('delete', () => seen.includes('delete:f'));
    expect((await codeOf(core.readNamespacedService({ name: 'f', namespace: 'c14' }))).code).toBe(404);
  });

  it('C15: a restarted emulator with a data directory keeps objects and never moves RVs back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ironlb-emu-c15-'));
    let first: Emulator | undefined = await startEmulator({ dataDir: dir });
    let second: Emulator | undefined;
    try {
      const port = first.port;
      const pkc = kubeConfigFor(first);
      const api = pkc.makeApiClient(CoreV1Api);
      await api.createNamespace({ body: { metadata: { name: 'c' } } });
      const s = await api.createNamespacedService({ namespace: 'c', body: svc('persist') });
      const { inf, seen } = await serviceInformer(pkc);
      inf.on('error', () => setTimeout(() => void inf.start().catch(() => undefined), 100));
      const rvBefore = first.resourceVersion();
      await first.close();
      first = undefined;
      second = await startEmulator({ dataDir: dir, port });
      expect(second.adminToken).toBe(kubeConfigFor(second).getCurrentUser()!.token);
      expect(second.resourceVersion()).toBeGreaterThan(rvBefore);
      const again = await api.readNamespacedService({ name: 'persist', namespace: 'c' });
      expect(again.metadata!.uid).toBe(s.metadata!.uid);
      expect(again.spec!.clusterIP).toBe(s.spec!.clusterIP);
      const s2 = await api.createNamespacedService({ namespace: 'c', body: svc('after') });
      expect(s2.spec!.clusterIP).not.toBe(s.spec!.clusterIP);
      expect(Number(s2.metadata!.resourceVersion)).toBeGreaterThan(rvBefore);
      await waitFor('informer sees the new service', () => seen.includes('add:after'), 10_000);
    } finally {
      await first?.close();
      await second?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const execFileAsync = promisify(execFile);
const cacheDir = mkdtempSync(join(tmpdir(), 'ironlb-kubectl-cache-'));
let kcFile: string | undefined;
function kubeconfigFile(): string {
  if (!kcFile) {
    kcFile = join(cacheDir, 'kubeconfig');
    writeFileSync(kcFile, emu.kubeconfig());
  }
  return kcFile;
}
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
