// The controller through restarts and API trouble, against the emulator: a restart in the
// middle of churn changes no address, dropped watches and 410 Gone are survived, status write
// conflicts are retried, a period of 500s and 429s is ridden out, a standby takes over within
// the lease duration when the leader dies, and a leader that loses its lease stops writing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiLeaseClient, LeaseLeaderElector } from '@ironlb/kube';
import type { Lease, LeaseClient } from '@ironlb/kube';
import {
  type Cluster,
  IPHistory,
  SYSTEM_NS,
  allocatedCondition,
  applyPool,
  createNamespace,
  createService,
  deleteService,
  getService,
  ingressIPs,
  leaseTimings,
  listServices,
  patchService,
  sharingViolations,
  sleep,
  startCluster,
  startController,
  stopAllControllers,
  waitFor,
  waitForIPs,
  withTimeout,
} from './harness.js';

let cluster: Cluster;
let history: IPHistory | undefined;
const ns = 'shop';

beforeEach(async () => {
  cluster = await startCluster({ requestLogLimit: 50_000, controllerAsServiceAccount: true });
  await createNamespace(cluster, ns);
  await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/24', '2001:db8::/112'] });
});
afterEach(async () => {
  await stopAllControllers();
  await history?.stop();
  history = undefined;
  cluster.emu.faults.reset();
  await cluster.close();
});

async function allHaveIPs(names: readonly string[]): Promise<boolean> {
  const list = await listServices(cluster);
  const byName = new Map(list.map((s) => [s.metadata.name, s]));
  return names.every((n) => {
    const s = byName.get(n);
    return s !== undefined && ingressIPs(s).length > 0 && allocatedCondition(s)?.status === 'True';
  });
}

async function expectHealthy(names: readonly string[]): Promise<void> {
  await waitFor(`${names.length} Services with addresses`, () => allHaveIPs(names), 20_000);
  expect(sharingViolations(await listServices(cluster))).toEqual([]);
  expect(history?.violations ?? []).toEqual([]);
}

describe('restarts', () => {
  it('a controller restarted in the middle of churn changes no address', async () => {
    history = new IPHistory(cluster);
    await history.waitForSync();
    let ctl = await startController(cluster);
    const live = new Set<string>();
    const churn = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        await createService(cluster, ns, `s${i}`, {
          ...(i % 3 === 0 ? { annotations: { 'ironlb.io/allow-shared-ip': 'k' }, ports: [1000 + i] } : {}),
          ...(i % 4 === 0 ? { spec: { ipFamilyPolicy: 'PreferDualStack' } } : {}),
        });
        live.add(`s${i}`);
        if (i % 5 === 4) {
          const victim = `s${i - 3}`;
          await deleteService(cluster, ns, victim);
          live.delete(victim);
        }
      }
    };
    await churn(0, 60);
    await ctl.kill();
    await churn(60, 90); // nobody allocates meanwhile
    ctl = await startController(cluster);
    await churn(90, 120);
    await expectHealthy([...live]);
    expect(ctl.controller.term?.state.claims.size).toBe(0);
  });

  it('restores addresses written by another controller before handing out new ones, oldest Service first', async () => {
    // Status as a previous controller (or MetalLB) left it: two Services claim 192.0.2.1.
    await createService(cluster, ns, 'older');
    await sleep(1100); // creationTimestamp has whole seconds
    await createService(cluster, ns, 'newer');
    for (const name of ['older', 'newer'])
      await cluster.api.request({
        method: 'PATCH',
        path: `/api/v1/namespaces/${ns}/services/${name}/status`,
        contentType: 'application/merge-patch+json',
        body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } },
      });
    await createService(cluster, ns, 'fresh');
    await startController(cluster);
    await waitForIPs(cluster, ns, 'older', ['192.0.2.1']);
    await waitForIPs(cluster, ns, 'fresh', ['192.0.2.0']);
    const newer = await waitForIPs(cluster, ns, 'newer');
    expect(ingressIPs(newer)).not.toContain('192.0.2.1');
  });
});

describe('incremental work', () => {
  it('a delete reprocesses the deleted Service and the waiting ones, not every Service', async () => {
    await applyPool(cluster, 'small', { addresses: ['198.51.100.0/29'], autoAssign: false });
    const ctl = await startController(cluster);
    const names = Array.from({ length: 100 }, (_, i) => `s${i}`);
    await Promise.all(names.map((n) => createService(cluster, ns, n)));
    const full = Array.from({ length: 9 }, (_, i) => `p${i}`);
    for (const n of full)
      await createService(cluster, ns, n, { annotations: { 'ironlb.io/address-pool': 'small' } });
    await expectHealthy(names);
    await waitFor(
      'p8 waits',
      async () => allocatedCondition(await getService(cluster, ns, 'p8'))?.reason === 'poolExhausted',
    );
    await sleep(300);
    const reconciles = async () =>
      (await ctl.controller.controllerMetrics.reconciles.get()).values.reduce((n, v) => n + v.value, 0);
    const before = await reconciles();
    await deleteService(cluster, ns, 'p0');
    await waitForIPs(cluster, ns, 'p8', ['198.51.100.0']);
    await sleep(300);
    // The delete, the woken p8 (and its own write echo at most), not the 108 others.
    expect((await reconciles()) - before).toBeLessThanOrEqual(4);
    const beforePool = await reconciles();
    await applyPool(cluster, 'small', {
      addresses: ['198.51.100.0/29', '198.51.100.8/31'],
      autoAssign: false,
    });
    await sleep(500);
    expect((await reconciles()) - beforePool).toBeLessThanOrEqual(4);
  });
});

describe('API trouble', () => {
  it('survives dropped watches and 410 Gone, and still sees creates and deletes', async () => {
    await startController(cluster);
    await createService(cluster, ns, 'a');
    await waitForIPs(cluster, ns, 'a', ['192.0.2.0']);
    cluster.emu.faults.dropWatches();
    await createService(cluster, ns, 'b');
    await waitForIPs(cluster, ns, 'b', ['192.0.2.1']);
    cluster.emu.faults.goneOnNextWatch(10);
    cluster.emu.faults.compact();
    cluster.emu.faults.dropWatches();
    await deleteService(cluster, ns, 'a');
    await createService(cluster, ns, 'c', { spec: { loadBalancerIP: '192.0.2.0' } });
    await waitForIPs(cluster, ns, 'c', ['192.0.2.0']);
    const relists = cluster.emu
      .requests()
      .filter((r) => r.method === 'GET' && r.path === '/api/v1/services' && !r.query.includes('watch'));
    expect(relists.length).toBeGreaterThan(1);
  });

  it('retries status writes that conflict with other writers', async () => {
    await startController(cluster);
    // Hold the controller's requests (its watch stream keeps flowing), change the Service
    // meanwhile as the admin, then let them through: the controller's write carries a stale
    // resourceVersion.
    cluster.emu.faults.pause({ exemptAdmin: true });
    await createService(cluster, ns, 'web');
    await sleep(200);
    await patchService(cluster, ns, 'web', { metadata: { labels: { touched: 'yes' } } });
    cluster.emu.faults.resume();
    await waitForIPs(cluster, ns, 'web', ['192.0.2.0']);
    const statusPatches = cluster.emu
      .requests()
      .filter((r) => r.method === 'PATCH' && r.path === `/api/v1/namespaces/${ns}/services/web/status`)
      .map((r) => r.status);
    expect(statusPatches).toContain(409);
    expect(statusPatches.at(-1)).toBe(200);
    const svc = await getService(cluster, ns, 'web');
    expect(svc.metadata.labels?.touched).toBe('yes');
  });

  it('rides out a period of 500s and 429s on writes', async () => {
    await startController(cluster);
    const names = Array.from({ length: 10 }, (_, i) => `s${i}`);
    // Creates are writes too: hold the controller while they are made, then fail its writes.
    cluster.emu.faults.pause({ exemptAdmin: true });
    for (const n of names) await createService(cluster, ns, n);
    cluster.emu.faults.failWrites({ fraction: 1, code: 500 });
    cluster.emu.faults.resume();
    await sleep(700);
    cluster.emu.faults.failWrites({ fraction: 0.5, code: 429 });
    await sleep(500);
    cluster.emu.faults.failWrites(null);
    await expectHealthy(names);
    const failed = cluster.emu.requests().filter((r) => r.method === 'PATCH' && r.status >= 500);
    expect(failed.length).toBeGreaterThan(0);
  });
});

/** A lease client that can be cut off on its own (the replica still reaches the rest of the API). */
class CuttableLeaseClient implements LeaseClient {
  cut = false;
  constructor(private readonly inner: LeaseClient) {}
  #gate<T>(f: () => Promise<T>): Promise<T> {
    return this.cut ? Promise.reject(new Error('lease API unreachable')) : f();
  }
  get(namespace: string, name: string) {
    return this.#gate(() => this.inner.get(namespace, name));
  }
  create(lease: Lease) {
    return this.#gate(() => this.inner.create(lease));
  }
  replace(lease: Lease) {
    return this.#gate(() => this.inner.replace(lease));
  }
}

describe('high availability', () => {
  it('a standby takes over within the lease duration when the leader dies, and no address changes', async () => {
    history = new IPHistory(cluster);
    await history.waitForSync();
    const a = await startController(cluster, { leaderElect: true, identity: 'a' });
    await withTimeout(a.controller.whenLeadingAndReady(), 10_000, 'a leads');
    const b = await startController(cluster, { leaderElect: true, identity: 'b' });
    await waitFor('b synced', () => b.controller.isReady());
    expect(b.controller.elector.isLeader()).toBe(false);
    const names = Array.from({ length: 20 }, (_, i) => `s${i}`);
    for (const n of names) await createService(cluster, ns, n);
    await expectHealthy(names);
    const killedAt = Date.now();
    await a.kill();
    await withTimeout(b.controller.whenLeadingAndReady(), 10_000, 'b leads');
    const takeover = Date.now() - killedAt;
    // The lease (2 s) plus a retry period and the restore; generous for a loaded CI machine.
    expect(takeover).toBeLessThan(leaseTimings.leaseDurationMs + 4_000);
    await createService(cluster, ns, 'after');
    await expectHealthy([...names, 'after']);
  });

  it('a leader cut off from its lease stops writing within the renew deadline; the standby takes over', async () => {
    const client = new CuttableLeaseClient(new ApiLeaseClient(cluster.api));
    const elector = new LeaseLeaderElector({
      client,
      namespace: SYSTEM_NS,
      name: 'ironlb-controller',
      identity: 'a',
      ...leaseTimings,
    });
    const a = await startController(cluster, { elector, identity: 'a', waitReady: false });
    await withTimeout(a.controller.whenLeadingAndReady(), 10_000, 'a leads');
    await createService(cluster, ns, 'first');
    await waitForIPs(cluster, ns, 'first', ['192.0.2.0']);
    const written = async () =>
      (await a.controller.metrics.statusWrites.get()).values
        .filter((v) => v.labels.outcome === 'written')
        .reduce((n, v) => n + v.value, 0);
    const cutAt = Date.now();
    client.cut = true;
    await waitFor('a steps down', () => !a.controller.elector.isLeader(), 5_000);
    expect(Date.now() - cutAt).toBeLessThan(leaseTimings.renewDeadlineMs + 1_500);
    expect(a.controller.term).toBeUndefined();
    const frozen = await written();
    await createService(cluster, ns, 'second');
    await sleep(500);
    expect(ingressIPs(await getService(cluster, ns, 'second'))).toEqual([]);
    expect(await written()).toBe(frozen);
    const b = await startController(cluster, { leaderElect: true, identity: 'b' });
    await withTimeout(b.controller.whenLeadingAndReady(), 10_000, 'b leads');
    await waitForIPs(cluster, ns, 'second', ['192.0.2.1']);
    expect(await written()).toBe(frozen);
  });
});
