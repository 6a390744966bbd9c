// RBAC enforcement against client-node and kubectl: a ServiceAccount token with no bindings
// is refused with the real authorizer's 403 wording; Roles, ClusterRoles and their bindings
// grant exactly what they name; access reviews answer the same questions. The emulator serves
// HTTPS here: kubectl sends no bearer token over plain HTTP, so RBAC needs TLS to see who calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { startEmulator } from '@ironlb/emulator';
import type { Emulator } from '@ironlb/emulator';
import { codeOf, kubeConfigFor } from './helpers.js';
import { Kubectl } from './kubectl.js';

const SA = 'system:serviceaccount:ironlb:controller';
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ rbac: true, tls: true });
  const core = kubeConfigFor(emu).makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'ironlb' } } });
});
afterAll(async () => {
  await emu.close();
});

describe('RBAC', () => {
  it('refuses an unbound ServiceAccount with the real 403 wording, but allows discovery', async () => {
    const core = kubeConfigFor(emu, { as: SA }).makeApiClient(CoreV1Api);
    const r = await codeOf(core.listServiceForAllNamespaces());
    expect(r.code).toBe(403);
    expect(r.body.message).toBe(
      `services is forbidden: User "${SA}" cannot list resource "services" in API group "" at the cluster scope`,
    );
    const named = await codeOf(core.readNamespacedService({ name: 'kubernetes', namespace: 'default' }));
    expect(named.body.message).toBe(
      `services "kubernetes" is forbidden: User "${SA}" cannot get resource "services" in API group "" in the namespace "default"`,
    );
    const apis = await codeOf(kubeConfigFor(emu, { as: SA }).makeApiClient(CoreV1Api).getAPIResources());
    expect(apis.code).toBe(200);
  });

  it('grants what a ClusterRole binding and a namespaced Role binding name, and nothing more', async () => {
    const rbac = kubeConfigFor(emu).makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({
      body: {
        metadata: { name: 'ironlb-controller' },
        rules: [
          { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: [''], resources: ['services/status'], verbs: ['update', 'patch'] },
        ],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'ironlb-controller' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ironlb-controller' },
        subjects: [{ kind: 'ServiceAccount', name: 'controller', namespace: 'ironlb' }],
      },
    });
    await rbac.createNamespacedRole({
      namespace: 'ironlb',
      body: {
        metadata: { name: 'leases' },
        rules: [
          { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
        ],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: 'ironlb',
      body: {
        metadata: { name: 'leases' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'leases' },
        subjects: [{ kind: 'ServiceAccount', name: 'controller', namespace: 'ironlb' }],
      },
    });
    const sa = kubeConfigFor(emu, { as: SA });
    const core = sa.makeApiClient(CoreV1Api);
    expect((await core.listServiceForAllNamespaces()).items.length).toBeGreaterThan(0);
    expect(
      (await codeOf(core.deleteNamespacedService({ name: 'kubernetes', namespace: 'default' }))).code,
    ).toBe(403);
    const status = await codeOf(
      core.replaceNamespacedServiceStatus({
        name: 'kubernetes',
        namespace: 'default',
        body: await core.readNamespacedService({ name: 'kubernetes', namespace: 'default' }),
      }),
    );
    expect(status.code).toBe(200);
    const coord = sa.makeApiClient(CoordinationV1Api);
    const post = (namespace: string) =>
      codeOf(
        coord.createNamespacedLease({
          namespace,
          body: { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } },
        }),
      );
    expect((await post('ironlb')).code).toBe(200);
    expect((await post('default')).code).toBe(403);

    const authz = kubeConfigFor(emu).makeApiClient(AuthorizationV1Api);
    const review = async (verb: string, resource: string, namespace?: string) =>
      (
        await authz.createSubjectAccessReview({
          body: {
            spec: {
              user: SA,
              groups: ['system:serviceaccounts', 'system:authenticated'],
              resourceAttributes: {
                verb,
                resource,
                namespace,
                group: resource === 'leases' ? 'coordination.k8s.io' : '',
              },
            },
          },
        })
      ).status!.allowed;
    expect(await review('watch', 'services')).toBe(true);
    expect(await review('delete', 'services', 'default')).toBe(false);
    expect(await review('create', 'leases', 'ironlb')).toBe(true);
    expect(await review('create', 'leases', 'default')).toBe(false);
  });

  it('kubectl with the ServiceAccount kubeconfig reports Forbidden', async () => {
    const k = new Kubectl(emu);
    try {
      k.file('kubeconfig', emu.kubeconfig({ as: SA }));
      const r = await k.run(['get', 'configmaps', '-n', 'default'], {
        fail: true,
        allow: [{ method: 'GET', path: /configmaps$/, status: 403 }],
      });
      expect(r.stderr).toContain(
        `Error from server (Forbidden): configmaps is forbidden: User "${SA}" cannot list resource "configmaps" in API group "" in the namespace "default"`,
      );
      const ok = await k.run(['get', 'svc', '-A', '-o', 'name']);
      expect(ok.stdout).toContain('service/kubernetes');
      // `auth can-i` and `auth whoami` send protobuf bodies.
      expect((await k.run(['auth', 'can-i', 'watch', 'services', '-A'])).stdout.trim()).toBe('yes');
      expect(
        (await k.run(['auth', 'can-i', 'delete', 'services', '-n', 'default'], { fail: true })).stdout.trim(),
      ).toBe('no');
      expect(
        (
          await k.run(['auth', 'can-i', 'create', 'leases.coordination.k8s.io', '-n', 'ironlb'])
        ).stdout.trim(),
      ).toBe('yes');
      expect((await k.run(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).stdout).toBe(SA);
      const list = (await k.run(['auth', 'can-i', '--list', '-n', 'ironlb'])).stdout;
      expect(list).toMatch(/leases\.coordination\.k8s\.io\s+\[\]\s+\[\]\s+\[get create update\]/);
      expect(list).toMatch(/services\/status\s+\[\]\s+\[\]\s+\[update patch\]/);
    } finally {
      k.cleanup();
    }
  });

  it('kubectl create token mints a working ServiceAccount token', async () => {
    const core = kubeConfigFor(emu).makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({
      namespace: 'ironlb',
      body: { metadata: { name: 'controller' } },
    });
    const k = new Kubectl(emu);
    try {
      const token = (await k.run(['create', 'token', 'controller', '-n', 'ironlb'])).stdout.trim();
      const whoami = kubeConfigFor(emu, { token }).makeApiClient(AuthenticationV1Api);
      const review = await whoami.createSelfSubjectReview({ body: {} });
      expect(review.status!.userInfo!.username).toBe(SA);
      const missing = await k.run(['create', 'token', 'nobody', '-n', 'ironlb'], {
        fail: true,
        allow: [{ method: 'POST', path: /token$/, status: 404 }],
      });
      expect(missing.stderr).toContain('serviceaccounts "nobody" not found');
    } finally {
      k.cleanup();
    }
  });

  it('expands aggregated ClusterRoles', async () => {
    const rbac = kubeConfigFor(emu).makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({
      body: {
        metadata: { name: 'ironlb-view' },
        aggregationRule: {
          clusterRoleSelectors: [{ matchLabels: { 'ironlb.io/aggregate-to-view': 'true' } }],
        },
        rules: [],
      },
    });
    await rbac.createClusterRole({
      body: {
        metadata: { name: 'ironlb-view-pools', labels: { 'ironlb.io/aggregate-to-view': 'true' } },
        rules: [{ apiGroups: ['ironlb.io'], resources: ['ipaddresspools'], verbs: ['get', 'list'] }],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'viewer' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ironlb-view' },
        subjects: [{ kind: 'User', name: 'viewer', apiGroup: 'rbac.authorization.k8s.io' }],
      },
    });
    const authz = kubeConfigFor(emu).makeApiClient(AuthorizationV1Api);
    const allowed = async (verb: string) =>
      (
        await authz.createSubjectAccessReview({
          body: {
            spec: {
              user: 'viewer',
              resourceAttributes: { verb, group: 'ironlb.io', resource: 'ipaddresspools' },
            },
          },
        })
      ).status!.allowed;
    expect(await allowed('list')).toBe(true);
    expect(await allowed('delete')).toBe(false);
  });

  it('refuses to delete the default namespace', async () => {
    const r = await codeOf(kubeConfigFor(emu).makeApiClient(CoreV1Api).deleteNamespace({ name: 'default' }));
    expect(r.code).toBe(403);
  });

  it('an unknown token gets 401', async () => {
    const r = await codeOf(kubeConfigFor(emu, { token: 'wrong' }).makeApiClient(CoreV1Api).listNamespace());
    expect(r.code).toBe(401);
  });
});
