// LeaseLeaderElector against the emulator (real coordination.k8s.io/v1 Leases, MicroTime
// validation, resourceVersion conflicts) with real time and short timings: exactly one leader,
// takeover within the lease duration when the leader dies, at once when it releases, and a
// leader that cannot reach the API stops within its renew deadline.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiLeaseClient, LeaseLeaderElector } from '@ironlb/kube';
import type { Lease, LeaseClient } from '@ironlb/kube';
import { sleep, startCluster, waitFor } from './helpers.js';
import type { Cluster } from './helpers.js';

const timings = { leaseDurationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 250 };
let cluster: Cluster;
const electors: LeaseLeaderElector[] = [];

beforeAll(async () => {
  cluster = await startCluster({ crds: false });
});
afterEach(async () => {
  cluster.emu.faults.reset();
  for (const e of electors.splice(0)) await e.stop();
});
afterAll(async () => {
  await cluster.close();
});

/** A lease client that can be cut off, as a crashed or partitioned process is. */
class CuttableLeaseClient implements LeaseClient {
  cut = false;
  constructor(private readonly inner: LeaseClient) {}
  #gate<T>(p: () => Promise<T>): Promise<T> {
    return this.cut ? new Promise<T>(() => {}) : p();
  }
  get(ns: string, name: string) {
    return this.#gate(() => this.inner.get(ns, name));
  }
  create(l: Lease) {
    return this.#gate(() => this.inner.create(l));
  }
  replace(l: Lease) {
    return this.#gate(() => this.inner.replace(l));
  }
}

function candidate(identity: string, name: string) {
  const client = new CuttableLeaseClient(new ApiLeaseClient(cluster.api));
  const elector = new LeaseLeaderElector({ client, namespace: 'kube-system', name, identity, ...timings });
  electors.push(elector);
  return { elector, client };
}

async function lease(name: string): Promise<Lease> {
  return cluster.api.request<Lease>({
    method: 'GET',
    path: `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}`,
  });
}

/** Samples leadership every 10 ms while `during` runs; returns the most leaders seen at once. */
async function maxLeaders(electors: LeaseLeaderElector[], during: Promise<unknown>): Promise<number> {
  let max = 0;
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    max = Math.max(max, electors.filter((e) => e.isLeader()).length);
    await sleep(10);
  }
  return max;
}

describe('LeaseLeaderElector against the emulator', () => {
  it('elects exactly one of three, with a MicroTime lease the API server accepts', async () => {
    const all = ['a', 'b', 'c'].map((id) => candidate(id, 'three'));
    for (const { elector } of all) elector.start();
    const most = await maxLeaders(
      all.map((c) => c.elector),
      (async () => {
        await waitFor('a leader', () => all.some((c) => c.elector.isLeader()));
        await sleep(2_000);
      })(),
    );
    expect(most).toBe(1);
    const l = await lease('three');
    const leader = all.find((c) => c.elector.isLeader())!;
    expect(l.spec).toMatchObject({ holderIdentity: leader.elector.identity, leaseDurationSeconds: 2 });
    expect(l.spec!.renewTime).toMatch(/\.\d{6}Z$/);
  });

  it('a standby takes over within the lease duration after the leader dies, never overlapping', async () => {
    const a = candidate('a', 'crash');
    const b = candidate('b', 'crash');
    a.elector.start();
    await waitFor('a to lead', () => a.elector.isLeader());
    b.elector.start();
    await sleep(500);
    expect(b.elector.isLeader()).toBe(false);
    const crashedAt = Date.now();
    a.client.cut = true; // the leader's process is gone: no renewals, no release
    const most = await maxLeaders(
      [a.elector, b.elector],
      waitFor('b to take over', () => b.elector.isLeader(), 10_000),
    );
    const took = Date.now() - crashedAt;
    // a stepped down (its renew deadline passed) before b could start.
    expect(most).toBe(1);
    expect(took).toBeLessThan(timings.leaseDurationMs + 2 * timings.retryPeriodMs * 1.2 + 1_500);
    expect((await lease('crash')).spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('releases the lease on a clean stop, so the standby takes over at its next retry', async () => {
    const a = candidate('a', 'clean');
    const b = candidate('b', 'clean');
    a.elector.start();
    await waitFor('a to lead', () => a.elector.isLeader());
    b.elector.start();
    await sleep(300);
    const stopped = Date.now();
    await a.elector.stop();
    expect((await lease('clean')).spec!.holderIdentity).toBe('');
    await waitFor('b to take over', () => b.elector.isLeader(), 5_000);
    expect(Date.now() - stopped).toBeLessThan(timings.leaseDurationMs);
  });

  it('a leader cut off from a paused API stops within its renew deadline, and one leads again after', async () => {
    const a = candidate('a', 'pause');
    const b = candidate('b', 'pause');
    a.elector.start();
    await waitFor('a to lead', () => a.elector.isLeader());
    b.elector.start();
    const lost = new Promise<number>((resolve) => a.elector.onChange((l) => !l && resolve(Date.now())));
    const pausedAt = Date.now();
    cluster.emu.faults.pause();
    const at = await lost;
    expect(at - pausedAt).toBeLessThan(timings.renewDeadlineMs + 500);
    cluster.emu.faults.resume();
    await waitFor('a leader again', () => a.elector.isLeader() || b.elector.isLeader(), 10_000);
    expect(a.elector.isLeader() && b.elector.isLeader()).toBe(false);
  });
});
