import { describe, expect, it } from 'vitest';
import { AlwaysLeader } from './always-leader.js';
import { LeaseLeaderElector } from './lease-elector.js';
import type { LeaseElectorOptions } from './lease-elector.js';
import { KubeErrorCode } from '../errors.js';
import { createRuntimeMetrics } from '../metrics.js';
import { FakeLeaderElector } from '../testing/fake-leader-elector.js';
import { describeLeaderElectorContract } from '../testing/leader-elector-contract.js';
import { ManualClock } from '../testing/manual-clock.js';
import { MemoryLeaseClient } from '../testing/memory-lease-client.js';

const NS = 'ironlb-system';
const NAME = 'ironlb-controller';

function elector(
  client: MemoryLeaseClient,
  clock: ManualClock,
  identity: string,
  extra: Partial<LeaseElectorOptions> = {},
) {
  return new LeaseLeaderElector({
    client,
    namespace: NS,
    name: NAME,
    identity,
    clock,
    random: () => 0,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    ...extra,
  });
}

describeLeaderElectorContract('LeaseLeaderElector', () => {
  const clock = new ManualClock();
  return { elector: elector(new MemoryLeaseClient(), clock, 'a'), settle: () => clock.advance(100) };
});
describeLeaderElectorContract('AlwaysLeader', () => ({
  elector: new AlwaysLeader('solo'),
  settle: async () => {},
}));
describeLeaderElectorContract('FakeLeaderElector', () => ({
  elector: new FakeLeaderElector(),
  settle: async () => {},
}));

describe('LeaseLeaderElector', () => {
  it('rejects timings that cannot be safe', () => {
    const c = new MemoryLeaseClient();
    const clock = new ManualClock();
    expect(() => elector(c, clock, 'a', { leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(
      expect.objectContaining({ code: KubeErrorCode.invalidOption }),
    );
    expect(() => elector(c, clock, 'a', { renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow(
      expect.objectContaining({ code: KubeErrorCode.invalidOption }),
    );
    expect(() => elector(c, clock, '')).toThrow(
      expect.objectContaining({ code: KubeErrorCode.invalidOption }),
    );
  });

  it('creates the lease with six-digit MicroTimes, then renews it every retry period', async () => {
    const client = new MemoryLeaseClient();
    const clock = new ManualClock();
    const a = elector(client, clock, 'a');
    a.start();
    await clock.advance(0);
    const lease = client.peek(NS, NAME)!;
    expect(lease.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(lease.spec!.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const rv = lease.metadata.resourceVersion;
    await clock.advance(2_000);
    expect(client.peek(NS, NAME)!.metadata.resourceVersion).not.toBe(rv);
    expect(client.peek(NS, NAME)!.spec!.acquireTime).toBe(lease.spec!.acquireTime);
    await a.stop();
  });

  it('exactly one of two candidates leads; the standby takes over within the lease duration when the leader dies', async () => {
    const client = new MemoryLeaseClient();
    const clock = new ManualClock();
    const a = elector(client, clock, 'a');
    const b = elector(client, clock, 'b');
    a.start();
    await clock.advance(0);
    b.start();
    for (let i = 0; i < 20; i++) {
      await clock.advance(1_000);
      expect(a.isLeader() && b.isLeader()).toBe(false);
    }
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(b.observedHolder()).toBe('a');
    // `a` crashes: no more renewals, no release.
    const died = clock.now();
    await crash(a, client);
    while (!b.isLeader()) await clock.advance(200);
    const took = clock.now();
    expect(took - died).toBeLessThanOrEqual(15_000 + 2_400 + 1_000);
    expect(b.isLeader()).toBe(true);
    expect(client.peek(NS, NAME)!.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.stop();
  });

  it('releases the lease on stop, so the standby takes over at its next retry', async () => {
    const client = new MemoryLeaseClient();
    const clock = new ManualClock();
    const a = elector(client, clock, 'a');
    const b = elector(client, clock, 'b');
    a.start();
    await clock.advance(0);
    b.start();
    await clock.advance(5_000);
    expect(b.isLeader()).toBe(false);
    await a.stop();
    expect(client.peek(NS, NAME)!.spec!.holderIdentity).toBe('');
    const released = clock.now();
    while (!b.isLeader()) await clock.advance(100);
    expect(clock.now() - released).toBeLessThanOrEqual(2_400 + 100);
    await b.stop();
  });

  it('a leader that cannot renew stops at the renew deadline, before the lease expires for others', async () => {
    const client = new MemoryLeaseClient();
    const clock = new ManualClock();
    const metrics = createRuntimeMetrics();
    const a = elector(client, clock, 'a', { metrics });
    const seen: [boolean, number][] = [];
    a.onChange((l) => seen.push([l, clock.now()]));
    a.start();
    await clock.advance(0);
    const lastRenew = clock.now();
    client.hang = new Promise(() => {}); // the API server stops answering
    await clock.advance(20_000);
    expect(a.isLeader()).toBe(false);
    expect(seen.map(([l]) => l)).toEqual([true, false]);
    const stoppedAt = seen[1]![1];
    expect(stoppedAt - lastRenew).toBe(10_000);
    expect((await metrics.leaderIsLeader.get()).values[0]?.value).toBe(0);
    client.hang = undefined;
    const stopping = a.stop(); // the hung renewal must not block shutdown
    await clock.advance(2_000);
    await stopping;
  });

  it('a leader whose renewals fail with errors keeps trying until the deadline, and recovers if one succeeds', async () => {
    const client = new MemoryLeaseClient();
    const clock = new ManualClock();
    const a = elector(client, clock, 'a');
    a.start();
    await clock.advance(0);
    client.failing = true;
    await clock.advance(7_000);
    expect(a.isLeader()).toBe(true);
    client.failing = false;
    await clock.advance(20_000);
    expect(a.isLeader()).toBe(true);
    await a.stop();
  });

  it('steps down at once when a renewal finds another holder', async () => {
    const client = new MemoryLeaseClient();
    const clock = new ManualClock();
    const a = elector(client, clock, 'a');
    a.start();
    await clock.advance(0);
    // Someone overwrites the lease (e.g. an operator, or a replica with a skewed view).
    const lease = client.peek(NS, NAME)!;
    await client.replace({ ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } });
    await clock.advance(2_000);
    expect(a.isLeader()).toBe(false);
    await a.stop();
    expect(client.peek(NS, NAME)!.spec!.holderIdentity).toBe('intruder');
  });

  it('loses a create race without leading', async () => {
    const client = new MemoryLeaseClient();
    const clock = new ManualClock();
    const a = elector(client, clock, 'a');
    const b = elector(client, clock, 'b');
    a.start();
    b.start();
    await clock.advance(0);
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
    await a.stop();
    await b.stop();
  });
});

/** Stops `a` the way a crash does: its timers stop and it never releases the lease. */
async function crash(a: LeaseLeaderElector, client: MemoryLeaseClient): Promise<void> {
  const saved = client.replace.bind(client);
  client.replace = async (lease) => {
    if (lease.spec?.holderIdentity === '') throw new Error('a crashed process does not release');
    return saved(lease);
  };
  await a.stop();
  client.replace = saved;
}
