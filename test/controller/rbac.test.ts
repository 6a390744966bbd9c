// The main allocation scenarios with RBAC enforced: the controller authenticates as the
// ServiceAccount ironlb-system/ironlb-controller, bound only to config/rbac/controller.yaml.
// Any permission the controller needs and the manifest lacks fails a scenario (a 403 on a
// list, watch, status patch or Event, or a Lease in the leader-election scenario).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Cluster,
  applyPool,
  createNamespace,
  createService,
  eventReasons,
  getPool,
  startCluster,
  startController,
  stopAllControllers,
  waitFor,
  waitForIPs,
} from './harness.js';
import { allocationScenarios } from './scenarios.js';

describe('controller scenarios (RBAC, ServiceAccount bound to config/rbac/controller.yaml)', () => {
  allocationScenarios({ asServiceAccount: true });
});

describe('RBAC: leader election, configuration status and Events', () => {
  let cluster: Cluster;
  beforeEach(async () => {
    cluster = await startCluster({ asServiceAccount: true });
    await createNamespace(cluster, 'shop');
  });
  afterEach(async () => {
    await stopAllControllers();
    await cluster.close();
  });

  it('campaigns for the Lease, writes pool status and Events on cluster-scoped objects', async () => {
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
    await applyPool(cluster, 'clash', { addresses: ['192.0.2.8/29'] });
    const ctl = await startController(cluster, { leaderElect: true });
    await ctl.controller.whenLeadingAndReady();
    await createService(cluster, 'shop', 'web');
    await waitForIPs(cluster, 'shop', 'web', ['192.0.2.0']);
    const pool = await waitFor('pool status', async () => {
      const p = await getPool(cluster, 'blue');
      return p.status?.assignedIPv4 === 1 ? p : undefined;
    });
    expect(pool.status?.conditions?.[0]).toMatchObject({ type: 'Valid', status: 'True' });
    await waitFor('overlap reported', async () =>
      (await eventReasons(cluster, 'default', 'clash', 'IPAddressPool')).includes('overlappingAddresses'),
    );
    expect(cluster.forbidden()).toEqual([]);
  });

  it('is really enforced: without the services/status rule the controller is refused and writes nothing', async () => {
    await cluster.api.request({
      method: 'PUT',
      path: '/apis/rbac.authorization.k8s.io/v1/clusterroles/ironlb-controller',
      body: await (async () => {
        const role = await cluster.api.request<{ rules: { resources: string[] }[] }>({
          method: 'GET',
          path: '/apis/rbac.authorization.k8s.io/v1/clusterroles/ironlb-controller',
        });
        return { ...role, rules: role.rules.filter((r) => !r.resources.includes('services/status')) };
      })(),
    });
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
    await startController(cluster);
    await createService(cluster, 'shop', 'web');
    await waitFor('a 403 on the status patch', () =>
      cluster
        .forbidden()
        .some((r) => r.method === 'PATCH' && r.path === '/api/v1/namespaces/shop/services/web/status'),
    );
  });
});
