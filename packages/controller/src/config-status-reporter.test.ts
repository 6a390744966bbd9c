// The configuration status writer on fakes and a manual clock: coalesced passes at most once
// per interval, Valid conditions and pool counts, Events only when problems change.
import { describe, expect, it } from 'vitest';
import type { ObjectStatus } from '@ironlb/config';
import { pool } from '@ironlb/config/testing';
import type { PoolCounters } from '@ironlb/ipam';
import type { Informer, KubeObject } from '@ironlb/kube';
import {
  FakeEventRecorder,
  FakeInformer,
  FakeStatusWriter,
  ManualClock,
  flushMicrotasks,
} from '@ironlb/kube/testing';
import { ConfigStatusReporter } from './config-status-reporter.js';
import { configResources } from './resources.js';

function setup() {
  const clock = new ManualClock();
  const writer = new FakeStatusWriter();
  const recorder = new FakeEventRecorder();
  const informers = Object.fromEntries(
    Object.entries(configResources).map(([k, r]) => [k, new FakeInformer<KubeObject>(r)]),
  ) as unknown as Record<keyof typeof configResources, FakeInformer<KubeObject>>;
  informers.ipAddressPools.set(
    pool('blue', { addresses: ['192.0.2.0/30'] }, { generation: 2, uid: 'u-blue' }),
  );
  let counters: PoolCounters = {
    ipv4: { assigned: 1n, available: 3n },
    ipv6: { assigned: 0n, available: 0n },
  };
  const reporter = new ConfigStatusReporter({
    writer,
    recorder,
    informers: informers as unknown as Record<keyof typeof configResources, Informer<KubeObject>>,
    counters: () => counters,
    clock,
    intervalMs: 1000,
  });
  return {
    clock,
    writer,
    recorder,
    reporter,
    setCounters: (c: PoolCounters) => (counters = c),
  };
}

const valid: ObjectStatus = {
  kind: 'IPAddressPool',
  name: 'blue',
  generation: 2,
  verdict: 'valid',
  problems: [],
};
const broken: ObjectStatus = {
  kind: 'IPAddressPool',
  name: 'blue',
  generation: 2,
  verdict: 'previousVersion',
  effectiveGeneration: 1,
  problems: [
    {
      kind: 'IPAddressPool',
      name: 'blue',
      field: 'spec.addresses[0]',
      reason: 'invalidAddress',
      severity: 'error',
      message: 'the range is backwards',
    },
  ],
};

async function tick(clock: ManualClock, ms: number) {
  await clock.advance(ms);
  await flushMicrotasks();
}

describe('ConfigStatusReporter', () => {
  it('writes counts and the Valid condition, at most once per interval', async () => {
    const { clock, writer, reporter, setCounters } = setup();
    reporter.setStatuses([valid]);
    await tick(clock, 0);
    expect(writer.applied).toHaveLength(1);
    expect(writer.applied[0]!.status).toMatchObject({
      observedGeneration: 2,
      assignedIPv4: 1,
      availableIPv4: 3,
      conditions: [{ type: 'Valid', status: 'True', reason: 'valid', observedGeneration: 2 }],
    });
    for (let i = 2; i < 12; i++) {
      setCounters({
        ipv4: { assigned: BigInt(i), available: 4n - BigInt(i % 4) },
        ipv6: { assigned: 0n, available: 0n },
      });
      reporter.countersChanged();
      await tick(clock, 50);
    }
    // 10 changes within 500 ms: no pass yet, then one with the last counts.
    expect(writer.applied).toHaveLength(1);
    await tick(clock, 500);
    expect(writer.applied).toHaveLength(2);
    expect(writer.applied[1]!.status).toMatchObject({ assignedIPv4: 11 });
    await tick(clock, 5000);
    expect(writer.applied).toHaveLength(2);
  });

  it('records one Event per problem when the problems change, and none when they do not', async () => {
    const { clock, recorder, reporter } = setup();
    reporter.setStatuses([broken]);
    reporter.setStatuses([broken]);
    await tick(clock, 0);
    expect(recorder.events.map((e) => [e.regarding.name, e.regarding.uid, e.type, e.reason])).toEqual([
      ['blue', 'u-blue', 'Warning', 'invalidAddress'],
    ]);
    reporter.setStatuses([valid]);
    reporter.setStatuses([broken]);
    expect(recorder.events).toHaveLength(2);
  });

  it('writes nothing after stop', async () => {
    const { clock, writer, reporter } = setup();
    await reporter.stop();
    reporter.setStatuses([valid]);
    await tick(clock, 2000);
    expect(writer.writes).toEqual([]);
  });
});
