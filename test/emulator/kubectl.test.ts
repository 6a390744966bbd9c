// Conformance of the emulator against the real kubectl: transcripts K1-K11 of the design
// brief §8.2 with kubectl 1.32, and the K10 matrix (K2, K5, K8) with 1.29, 1.30, 1.31 and
// 1.33, chosen through the dispatcher by the emulator's reported minor version. Every
// kubectl runs at -v=6 and any 4xx/5xx not on the scenario's allow-list fails the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startEmulator } from '@ironlb/emulator';
import type { Emulator } from '@ironlb/emulator';
import { crdYaml, poolYaml, svcYaml } from './fixtures.js';
import { kubeConfigFor, sleep } from './helpers.js';
import { Kubectl, tableRows } from './kubectl.js';

const notFoundGet = (path: RegExp) => ({ method: 'GET', path, status: 404 });

/** K2: CRD, Established, a CR with defaults and printer columns. */
async function k2(k: Kubectl, group: string): Promise<void> {
  const crd = await k.run(['apply', '-f', k.file('crd.yaml', crdYaml(group))], {
    allow: [notFoundGet(/customresourcedefinitions\/ippools/)],
  });
  expect(crd.stdout.trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/ippools.${group} created`);
  const wait = await k.run(['wait', '--for=condition=Established', `crd/ippools.${group}`, '--timeout=20s']);
  expect(wait.stdout.trim()).toBe(
    `customresourcedefinition.apiextensions.k8s.io/ippools.${group} condition met`,
  );
  const pool = await k.run(['apply', '-f', k.file('pool.yaml', poolYaml('  cidr: 192.0.2.0/24\n', group))], {
    allow: [notFoundGet(/ippools\/pool1$/)],
  });
  expect(pool.stdout.trim()).toBe(`ippool.${group}/pool1 created`);
  for (const name of ['ippools', 'ipp']) {
    const rows = tableRows((await k.run(['get', name])).stdout);
    expect(rows[0]).toEqual(['NAME', 'CIDR', 'AUTO', 'AGE']);
    expect(rows[1]!.slice(0, 3)).toEqual(['pool1', '192.0.2.0/24', 'true']);
  }
  const yaml = (await k.run(['get', 'ippool', 'pool1', '-o', 'yaml'])).stdout;
  expect(yaml).toContain('autoAssign: true');
  expect(yaml).toContain('generation: 1');
}

/** K5: a LoadBalancer Service created, then changed through a strategic merge patch. */
async function k5(k: Kubectl, emu: Emulator): Promise<void> {
  const created = await k.run(['apply', '-f', k.file('svc.yaml', svcYaml(8080))], {
    allow: [notFoundGet(/services\/web$/)],
  });
  expect(created.stdout.trim()).toBe('service/web created');
  emu.clearRequests();
  const changed = await k.run(['apply', '-f', k.file('svc.yaml', svcYaml(9090))]);
  expect(changed.stdout.trim()).toBe('service/web configured');
  const patch = emu.requests().find((r) => r.method === 'PATCH');
  expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
  const obj = JSON.parse((await k.run(['get', 'svc', 'web', '-o', 'json'])).stdout) as {
    spec: Record<string, unknown> & { ports: { targetPort: number }[] };
  };
  expect(Object.keys(obj.spec).filter((key) => key.startsWith('$'))).toEqual([]);
  expect(obj.spec.ports).toHaveLength(1);
  expect(obj.spec.ports[0]!.targetPort).toBe(9090);
  const rows = tableRows((await k.run(['get', 'svc', 'web', '-o', 'wide'])).stdout);
  expect(rows[0]).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
  expect(rows[1]![1]).toBe('LoadBalancer');
  expect(rows[1]![2]).toMatch(/^10\.96\.\d+\.\d+$/);
  expect(rows[1]![3]).toBe('<pending>');
  expect(rows[1]![4]).toMatch(/^80:3\d{4}\/TCP$/);
  expect(rows[1]![6]).toBe('app=web');
}

/** K8: delete -f waits; a CR held by a finalizer lingers until a JSON patch removes it. */
async function k8(k: Kubectl, group: string): Promise<void> {
  const del = await k.run(['delete', '-f', k.file('pool.yaml', poolYaml('  cidr: 192.0.2.0/24\n', group))], {
    allow: [notFoundGet(/ippools\/pool1$/)],
  });
  expect(del.stdout.trim()).toBe(`ippool.${group} "pool1" deleted`);
  await k.run(
    [
      'apply',
      '-f',
      k.file(
        'held.yaml',
        poolYaml('  cidr: 198.51.100.0/24\n', group, 'held', '  finalizers: [ironlb.io/test]\n'),
      ),
    ],
    {
      allow: [notFoundGet(/ippools\/held$/)],
    },
  );
  await k.run(['delete', `ippool.${group}`, 'held', '--wait=false']);
  const still = JSON.parse((await k.run(['get', `ippool.${group}`, 'held', '-o', 'json'])).stdout) as {
    metadata: { deletionTimestamp?: string };
  };
  expect(still.metadata.deletionTimestamp).toBeDefined();
  const waiter = k.run(['wait', '--for=delete', `ippool.${group}/held`, '--timeout=20s'], {
    allow: [notFoundGet(/ippools\/held$/)],
  });
  await sleep(300);
  await k.run([
    'patch',
    `ippool.${group}`,
    'held',
    '--type=json',
    '-p',
    '[{"op":"remove","path":"/metadata/finalizers"}]',
  ]);
  const waited = await waiter;
  expect(waited.stdout.trim()).toMatch(/held condition met$/);
  await k.run(['get', `ippool.${group}`, 'held'], { fail: true, allow: [notFoundGet(/ippools\/held$/)] });
}

describe('kubectl 1.32 transcripts (K1-K11)', () => {
  let emu: Emulator;
  let k: Kubectl;
  beforeAll(async () => {
    emu = await startEmulator();
    k = new Kubectl(emu);
  });
  afterAll(async () => {
    k.cleanup();
    await emu.close();
  });

  it('K1: version, api-resources, api-versions', async () => {
    const v = JSON.parse((await k.run(['version', '-o', 'json'])).stdout) as {
      clientVersion: { minor: string };
      serverVersion: { gitVersion: string };
    };
    expect(v.clientVersion.minor).toMatch(/^32/);
    expect(v.serverVersion.gitVersion).toMatch(/^v1\.32\./);
    const rows = tableRows((await k.run(['api-resources'])).stdout);
    const byName = new Map(rows.slice(1).map((r) => [`${r[0]}.${r.length === 5 ? r[2] : r[1]}`, r]));
    expect(byName.get('services.v1')).toEqual(['services', 'svc', 'v1', 'true', 'Service']);
    expect(byName.get('endpointslices.discovery.k8s.io/v1')).toEqual([
      'endpointslices',
      'discovery.k8s.io/v1',
      'true',
      'EndpointSlice',
    ]);
    expect(byName.get('leases.coordination.k8s.io/v1')).toEqual([
      'leases',
      'coordination.k8s.io/v1',
      'true',
      'Lease',
    ]);
    expect(byName.get('customresourcedefinitions.apiextensions.k8s.io/v1')).toEqual([
      'customresourcedefinitions',
      'crd,crds',
      'apiextensions.k8s.io/v1',
      'false',
      'CustomResourceDefinition',
    ]);
    expect(byName.get('nodes.v1')).toEqual(['nodes', 'no', 'v1', 'false', 'Node']);
    const versions = (await k.run(['api-versions'])).stdout.trim().split('\n');
    expect(versions).toEqual(
      expect.arrayContaining([
        'v1',
        'discovery.k8s.io/v1',
        'coordination.k8s.io/v1',
        'apiextensions.k8s.io/v1',
        'events.k8s.io/v1',
      ]),
    );
  });

  it('K2: CRD, wait Established, a CR with printer columns and defaults', () => k2(k, 'lb.example.io'));

  it('K3: re-apply a changed CR (merge patch), then an unchanged one (no PATCH)', async () => {
    emu.clearRequests();
    const r = await k.run([
      'apply',
      '-f',
      k.file('pool.yaml', poolYaml('  cidr: 192.0.2.0/24\n  autoAssign: false\n')),
    ]);
    expect(r.stdout.trim()).toBe('ippool.lb.example.io/pool1 configured');
    expect(emu.requests().find((x) => x.method === 'PATCH')?.contentType).toBe(
      'application/merge-patch+json',
    );
    emu.clearRequests();
    const u = await k.run([
      'apply',
      '-f',
      k.file('pool.yaml', poolYaml('  cidr: 192.0.2.0/24\n  autoAssign: false\n')),
    ]);
    expect(u.stdout.trim()).toBe('ippool.lb.example.io/pool1 unchanged');
    expect(emu.requests().filter((x) => x.method === 'PATCH')).toEqual([]);
  });

  it('K4: strict decoding error for an unknown field, Invalid for a wrong type', async () => {
    const allow = [
      notFoundGet(/ippools\/bad$/),
      { method: 'POST', path: /ippools$/, status: 400 },
      { method: 'POST', path: /ippools$/, status: 422 },
    ];
    const unknown = await k.run(
      ['apply', '-f', k.file('bad.yaml', poolYaml('  cidr: 192.0.2.0/24\n  foo: 1\n', undefined, 'bad'))],
      { fail: true, allow },
    );
    expect(unknown.stderr).toContain(
      'Error from server (BadRequest): error when creating "' +
        k.dir +
        '/bad.yaml": IPPool in version "v1alpha1" cannot be handled as a IPPool: strict decoding error: unknown field "spec.foo"',
    );
    const wrong = await k.run(
      ['apply', '-f', k.file('bad.yaml', poolYaml('  cidr: 42\n', undefined, 'bad'))],
      { fail: true, allow },
    );
    expect(wrong.stderr).toContain(
      'spec.cidr: Invalid value: "integer": spec.cidr in body must be of type string: "integer"',
    );
  });

  it('K5: LoadBalancer Service apply, SMP re-apply, Service columns', () => k5(k, emu));

  it('K6: kubectl wait on the ingress IP while a controller assigns it; EXTERNAL-IP shows it', async () => {
    const waiter = k.run([
      'wait',
      '--for=jsonpath={.status.loadBalancer.ingress[0].ip}',
      'svc/web',
      '--timeout=20s',
    ]);
    await sleep(300);
    const core = kubeConfigFor(emu).makeApiClient(CoreV1Api);
    await core.patchNamespacedServiceStatus(
      {
        name: 'web',
        namespace: 'default',
        body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect((await waiter).stdout.trim()).toBe('service/web condition met');
    const rows = tableRows((await k.run(['get', 'svc', 'web'])).stdout);
    expect(rows[1]![3]).toBe('192.0.2.10');
  });

  it('K7: kubectl patch --subresource=status reads back ipMode VIP', async () => {
    const body = '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.11"}]}}}';
    const r = await k.run(['patch', 'svc', 'web', '--subresource=status', '--type=merge', '-p', body]);
    expect(r.stdout.trim()).toBe('service/web patched');
    const mode = await k.run([
      'get',
      'svc',
      'web',
      '-o',
      'jsonpath={.status.loadBalancer.ingress[0].ipMode}',
    ]);
    expect(mode.stdout).toBe('VIP');
  });

  it('K8: delete -f, then a finalizer that holds a CR until a JSON patch removes it', () =>
    k8(k, 'lb.example.io'));

  it('K9: kubectl get events lists type, reason, object and message', async () => {
    const core = kubeConfigFor(emu).makeApiClient(CoreV1Api);
    await core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { name: 'web.1' },
        involvedObject: { kind: 'Service', name: 'web', namespace: 'default', apiVersion: 'v1' },
        reason: 'IPAllocated',
        message: 'Assigned IP ["192.0.2.10"]',
        type: 'Normal',
        source: { component: 'ironlb-controller' },
        firstTimestamp: new Date(),
        lastTimestamp: new Date(),
        count: 1,
      },
    });
    const rows = tableRows((await k.run(['get', 'events'])).stdout);
    expect(rows[0]).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(rows[1]!.slice(1)).toEqual(['Normal', 'IPAllocated', 'service/web', 'Assigned IP ["192.0.2.10"]']);
  });

  it('K11: -A, --show-labels, -l and --field-selector (and an unsupported field label)', async () => {
    const all = tableRows((await k.run(['get', 'svc', '-A'])).stdout);
    expect(all[0]).toEqual(['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(all.slice(1).map((r) => `${r[0]}/${r[1]}`)).toEqual(['default/kubernetes', 'default/web']);
    const chunked = tableRows((await k.run(['get', 'svc', '-A', '--chunk-size=1'])).stdout);
    expect(chunked.slice(1).map((r) => `${r[0]}/${r[1]}`)).toEqual(['default/kubernetes', 'default/web']);
    const labels = tableRows((await k.run(['get', 'svc', 'web', '--show-labels'])).stdout);
    expect(labels[0]!.at(-1)).toBe('LABELS');
    expect(labels[1]!.at(-1)).toBe('app=web');
    const sel = tableRows((await k.run(['get', 'svc', '-l', 'app=web', '-o', 'name'])).stdout);
    expect(sel).toEqual([['service/web']]);
    const fs = (
      await k.run(['get', 'svc', '-A', '--field-selector', 'spec.type=LoadBalancer', '-o', 'name'])
    ).stdout.trim();
    expect(fs).toBe('service/web');
    const bad = await k.run(['get', 'svc', '--field-selector', 'spec.bogus=x'], {
      fail: true,
      allow: [{ method: 'GET', path: /services$/, status: 400 }],
    });
    expect(bad.stderr).toContain('field label not supported: spec.bogus');
  });
});

describe('kubectl: deleting a CRD', () => {
  let emu: Emulator;
  let k: Kubectl;
  beforeAll(async () => {
    emu = await startEmulator();
    k = new Kubectl(emu);
  });
  afterAll(async () => {
    k.cleanup();
    await emu.close();
  });

  it('removes its custom resources first and stops serving the kind', async () => {
    await k2(k, 'lb.example.io');
    const del = await k.run(['delete', '-f', k.file('crd.yaml', crdYaml())], {
      allow: [notFoundGet(/customresourcedefinitions\/ippools\.lb\.example\.io$/)],
    });
    expect(del.stdout.trim()).toBe(
      'customresourcedefinition.apiextensions.k8s.io "ippools.lb.example.io" deleted',
    );
    // kubectl's discovery cache may still name the kind: then the list itself gets the 404.
    const gone = await k.run(['get', 'ippools'], { fail: true, allow: [notFoundGet(/ippools$/)] });
    expect(gone.stderr).toMatch(
      /the server doesn't have a resource type "ippools"|the server could not find the requested resource/,
    );
    const raw = await fetch(`${emu.url}/apis/lb.example.io/v1alpha1/ippools`, {
      headers: { authorization: `Bearer ${emu.adminToken}` },
    });
    expect(raw.status).toBe(404);
  });
});

describe('kubectl generators (protobuf bodies)', () => {
  let emu: Emulator;
  let k: Kubectl;
  beforeAll(async () => {
    emu = await startEmulator();
    k = new Kubectl(emu);
  });
  afterAll(async () => {
    k.cleanup();
    await emu.close();
  });

  it('create namespace, configmap, secret, serviceaccount and a LoadBalancer service', async () => {
    expect((await k.run(['create', 'namespace', 'gen'])).stdout.trim()).toBe('namespace/gen created');
    expect((await k.run(['create', 'configmap', 'c', '-n', 'gen', '--from-literal=a=b'])).stdout.trim()).toBe(
      'configmap/c created',
    );
    expect(
      (await k.run(['create', 'secret', 'generic', 's', '-n', 'gen', '--from-literal=k=v'])).stdout.trim(),
    ).toBe('secret/s created');
    expect((await k.run(['create', 'serviceaccount', 'sa', '-n', 'gen'])).stdout.trim()).toBe(
      'serviceaccount/sa created',
    );
    expect(
      (await k.run(['create', 'service', 'loadbalancer', 'web', '-n', 'gen', '--tcp=80:8080'])).stdout.trim(),
    ).toBe('service/web created');
    const cm = JSON.parse((await k.run(['get', 'cm', 'c', '-n', 'gen', '-o', 'json'])).stdout) as {
      data: Record<string, string>;
    };
    expect(cm.data).toEqual({ a: 'b' });
    const secret = JSON.parse((await k.run(['get', 'secret', 's', '-n', 'gen', '-o', 'json'])).stdout) as {
      data: Record<string, string>;
      type: string;
    };
    expect(secret).toMatchObject({ data: { k: Buffer.from('v').toString('base64') }, type: 'Opaque' });
    const svc = JSON.parse((await k.run(['get', 'svc', 'web', '-n', 'gen', '-o', 'json'])).stdout) as {
      spec: Record<string, unknown>;
    };
    expect(svc.spec).toMatchObject({
      type: 'LoadBalancer',
      selector: { app: 'web' },
      ports: [{ name: '80-8080', port: 80, targetPort: 8080, protocol: 'TCP' }],
    });
  });
});

describe.each([29, 30, 31, 33])('kubectl 1.%i (K10: K2, K5, K8)', (minor) => {
  let emu: Emulator;
  let k: Kubectl;
  beforeAll(async () => {
    emu = await startEmulator({ minorVersion: minor });
    k = new Kubectl(emu);
  });
  afterAll(async () => {
    k.cleanup();
    await emu.close();
  });

  it('runs the matching kubectl and passes K2, K5 and K8', async () => {
    const v = JSON.parse((await k.run(['version', '-o', 'json'])).stdout) as {
      clientVersion: { minor: string };
    };
    expect(v.clientVersion.minor).toBe(String(minor));
    await k2(k, 'lb.example.io');
    await k5(k, emu);
    await k8(k, 'lb.example.io');
  });
});
