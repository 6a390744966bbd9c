// The install manifests (config/): kustomize renders every target, the rendered
// config/manifests/*.yaml match (drift), the workloads carry the settings the install promises
// (2 controller replicas with leader election and probes, non-root and read-only; a host-network
// speaker with only NET_RAW and NET_ADMIN), and the RBAC is least privilege: no wildcards, and
// SubjectAccessReviews against the emulator (RBAC on) show what each ServiceAccount may and
// may not do.
/* eslint-disable @typescript-eslint/no-explicit-any -- walking rendered manifests, whose shape the assertions check */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startEmulator, type Emulator } from '@ironlb/emulator';
import { repoRoot, Workspace } from './helpers.js';

const run = promisify(execFile);

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

async function kustomize(dir: string): Promise<Obj[]> {
  const { stdout } = await run('kubectl', ['kustomize', join(repoRoot, dir)], { maxBuffer: 32 << 20 });
  return parseAllDocuments(stdout).map((d) => d.toJS() as Obj);
}

const one = (objs: Obj[], kind: string, name: string): Obj & Record<string, any> => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o as Obj & Record<string, any>;
};

let rendered: Obj[];
beforeAll(async () => {
  rendered = await kustomize('config/default');
});

describe('install manifests', () => {
  it('config/manifests/*.yaml are what `kubectl kustomize` renders now (drift check)', async () => {
    const r = await run(process.execPath, [join(repoRoot, 'config/render.mjs'), '--check']).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect('stderr' in r ? r.stderr : '').toBe('');
  });

  it('every overlay renders', async () => {
    const prom = await kustomize('config/overlays/prometheus');
    expect(prom.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['ServiceMonitor', 'PrometheusRule', 'ConfigMap', 'Deployment', 'DaemonSet']),
    );
    const dashboard = one(prom, 'ConfigMap', 'ironlb-grafana-dashboard');
    const json = JSON.parse(dashboard.data['ironlb.json']) as {
      panels: { type: string; targets?: unknown[] }[];
    };
    expect(json.panels.filter((p) => p.type !== 'row').every((p) => (p.targets ?? []).length > 0)).toBe(true);
    const single = await kustomize('config/overlays/single-controller');
    expect(one(single, 'Deployment', 'controller').spec.replicas).toBe(1);
    expect(single.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  it('namespaced objects live in ironlb-system; the CRDs are the generated ones', () => {
    for (const o of rendered)
      if (!['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind))
        expect(`${o.kind}/${o.metadata.name} ${o.metadata.namespace}`).toBe(
          `${o.kind}/${o.metadata.name} ironlb-system`,
        );
    const crds = rendered.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name);
    expect(crds.sort()).toEqual(
      [
        'bfdprofiles',
        'bgpadvertisements',
        'bgppeers',
        'ipaddresspools',
        'l2advertisements',
        'speakerstatuses',
      ].map((p) => `${p}.ironlb.io`),
    );
  });

  it('controller: 2 replicas, leader election, probes, requests, non-root, read-only root filesystem', () => {
    const d = one(rendered, 'Deployment', 'controller');
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(d.spec.replicas).toBe(2);
    expect(c.image).toBe('ghcr.io/ironlb/ironlb:0.1.0');
    expect(c.args).toEqual(expect.arrayContaining(['controller', '--leader-elect']));
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.resources.limits.memory).toBeDefined();
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.securityContext.capabilities.add).toBeUndefined();
    expect(pod.serviceAccountName).toBe('ironlb-controller');
    expect(one(rendered, 'PodDisruptionBudget', 'controller').spec.maxUnavailable).toBe(1);
  });

  it('speaker: host network, only NET_RAW and NET_ADMIN, control-plane tolerations, rolling one node at a time', () => {
    const ds = one(rendered, 'DaemonSet', 'speaker');
    const pod = ds.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.hostNetwork).toBe(true);
    expect(c.args).toEqual(expect.arrayContaining(['speaker', '--node=$(NODE_NAME)']));
    expect(c.env).toContainEqual({
      name: 'NODE_NAME',
      valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
    });
    expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_RAW', 'NET_ADMIN'] });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(pod.tolerations.map((t: { key: string }) => t.key)).toEqual(
      expect.arrayContaining(['node-role.kubernetes.io/control-plane']),
    );
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(pod.serviceAccountName).toBe('ironlb-speaker');
  });

  it('RBAC lists exact verbs and resources: no wildcards, Secrets only through namespaced Roles', () => {
    const rules = rendered
      .filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
      .flatMap((o) => (o as any).rules.map((r: any) => ({ ...r, role: `${o.kind}/${o.metadata.name}` })));
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.verbs, r.role).not.toContain('*');
      expect(r.resources, r.role).not.toContain('*');
      expect(r.apiGroups, r.role).not.toContain('*');
    }
    const clusterSecrets = rules.filter(
      (r) => r.role.startsWith('ClusterRole/') && r.resources.includes('secrets'),
    );
    expect(clusterSecrets).toEqual([]);
    // Every ServiceAccount a workload uses exists and is bound.
    for (const sa of ['ironlb-controller', 'ironlb-speaker']) {
      one(rendered, 'ServiceAccount', sa);
      const bound = rendered.filter(
        (o) =>
          (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') &&
          (o as any).subjects.some((s: any) => s.kind === 'ServiceAccount' && s.name === sa),
      );
      expect(bound.length, sa).toBeGreaterThan(0);
    }
  });

  it('the Dockerfile copies what exists and runs the built CLI', () => {
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('ENTRYPOINT ["node", "/app/packages/cli/bin/ironlb.js"]');
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm))
      for (const src of (m[1] ?? '').split(/\s+/)) expect(existsSync(join(repoRoot, src)), src).toBe(true);
  });
});

describe('RBAC decisions (SubjectAccessReview against the emulator with RBAC on)', () => {
  let emu: Emulator;
  let ws: Workspace;
  beforeAll(async () => {
    emu = await startEmulator({ rbac: true, tls: true });
    ws = new Workspace(emu);
    const rbac = rendered.filter((o) =>
      ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(
        o.kind,
      ),
    );
    const file = ws.file('rbac.yaml', rbac.map((o) => `---\n${JSON.stringify(o)}\n`).join(''));
    const r = await ws.kubectl(['apply', '-f', file]);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    ws?.cleanup();
    await emu?.close();
  });

  async function allowed(sa: string, attrs: Record<string, string>): Promise<boolean> {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: `system:serviceaccount:ironlb-system:${sa}`,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:ironlb-system', 'system:authenticated'],
        resourceAttributes: attrs,
      },
    };
    const r = await ws.kubectl(['create', '-o', 'json', '-f', '-'], JSON.stringify(review));
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { status: { allowed: boolean } }).status.allowed;
  }

  it.each([
    [
      'ironlb-controller',
      { verb: 'patch', resource: 'services', subresource: 'status', namespace: 'web' },
      true,
    ],
    ['ironlb-controller', { verb: 'list', resource: 'services' }, true],
    ['ironlb-controller', { verb: 'update', resource: 'services', namespace: 'web' }, false],
    ['ironlb-controller', { verb: 'delete', resource: 'services', namespace: 'web' }, false],
    ['ironlb-controller', { verb: 'list', resource: 'secrets', namespace: 'ironlb-system' }, false],
    [
      'ironlb-controller',
      {
        verb: 'update',
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'ironlb-system',
        name: 'ironlb-controller',
      },
      true,
    ],
    [
      'ironlb-controller',
      {
        verb: 'update',
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'kube-system',
        name: 'ironlb-controller',
      },
      false,
    ],
    [
      'ironlb-controller',
      { verb: 'patch', group: 'ironlb.io', resource: 'ipaddresspools', subresource: 'status' },
      true,
    ],
    ['ironlb-controller', { verb: 'update', group: 'ironlb.io', resource: 'ipaddresspools' }, false],
    ['ironlb-speaker', { verb: 'watch', group: 'discovery.k8s.io', resource: 'endpointslices' }, true],
    [
      'ironlb-speaker',
      { verb: 'get', resource: 'secrets', namespace: 'ironlb-system', name: 'ironlb-membership' },
      true,
    ],
    ['ironlb-controller', { verb: 'create', resource: 'secrets', namespace: 'ironlb-system' }, true],
    [
      'ironlb-controller',
      { verb: 'get', resource: 'secrets', namespace: 'ironlb-system', name: 'ironlb-membership' },
      true,
    ],
    [
      'ironlb-controller',
      { verb: 'get', resource: 'secrets', namespace: 'ironlb-system', name: 'bgp-password' },
      false,
    ],
    ['ironlb-speaker', { verb: 'get', resource: 'secrets', namespace: 'kube-system' }, false],
    ['ironlb-speaker', { verb: 'list', resource: 'secrets' }, false],
    [
      'ironlb-speaker',
      { verb: 'patch', resource: 'services', subresource: 'status', namespace: 'web' },
      false,
    ],
    ['ironlb-speaker', { verb: 'create', group: 'ironlb.io', resource: 'speakerstatuses' }, true],
    ['ironlb-speaker', { verb: 'delete', resource: 'nodes' }, false],
  ] as const)('%s %o -> %s', async (sa, attrs, expected) => {
    expect(await allowed(sa, attrs)).toBe(expected);
  });
});
