// The reconcile rules, one at a time, on the pure allocation state (no API, no timers).
import { describe, expect, it } from 'vitest';
import type { Pool } from '@ironlb/ipam';
import { AllocationState, type OrphanPolicy } from './allocation-state.js';
import { reconcileService, wantsChange } from './reconcile-service.js';
import { defaultClassFilter, readService } from './service-adapter.js';
import type { Service } from './service-types.js';
import { type ServiceBuilderInput, service } from './testing/services.js';

function setup(pools: Pool[], policy: OrphanPolicy = 'keep') {
  const state = new AllocationState({ policy });
  expect(state.setPools(pools).ok).toBe(true);
  const labels = new Map<string, Record<string, string>>();
  const view = (svc: Service) =>
    readService(svc, { filter: defaultClassFilter, namespaceLabels: labels.get(svc.metadata.namespace) });
  const run = (svc: Service | string) =>
    typeof svc === 'string'
      ? reconcileService(state, svc, undefined)
      : reconcileService(state, `${svc.metadata.namespace}/${svc.metadata.name}`, view(svc));
  const restore = (svc: Service) => {
    const v = view(svc);
    if (v.handled) state.restore({ ...v.request, ips: v.statusIPs }, '');
  };
  return { state, run, restore, labels };
}

const blue: Pool = { name: 'blue', addresses: ['192.0.2.0/30'] };
const green: Pool = { name: 'green', addresses: ['198.51.100.0/30'] };
const svc = (name: string, input?: ServiceBuilderInput) => service(name, input);

describe('reconcileService', () => {
  it('allocates, and an unchanged Service keeps its allocation without freeing anything', () => {
    const { run } = setup([blue]);
    expect(run(svc('a'))).toEqual({
      outcome: { kind: 'allocated', pool: 'blue', ips: ['192.0.2.0'] },
      freed: false,
    });
    expect(run(svc('a', { ingress: ['192.0.2.0'] }))).toEqual({
      outcome: { kind: 'allocated', pool: 'blue', ips: ['192.0.2.0'] },
      freed: false,
    });
  });

  it('waits with the reason and is woken first when an address is freed', () => {
    const { run, state } = setup([{ name: 'one', addresses: ['192.0.2.7'] }]);
    run(svc('a'));
    expect(run(svc('b')).outcome).toEqual({
      kind: 'pending',
      reason: 'poolExhausted',
      detail: 'pool one has no free IPv4 address',
    });
    run(svc('c'));
    expect(run('ns/a').freed).toBe(true);
    expect(state.wake(1)).toEqual(['ns/b']);
    expect(state.wake(5)).toEqual(['ns/c', 'ns/b']);
    expect(run(svc('b')).outcome).toMatchObject({ kind: 'allocated', ips: ['192.0.2.7'] });
    expect(state.waiting.has('ns/b')).toBe(false);
  });

  it('keeps the current address when a requested change cannot be met, and moves when it can', () => {
    const { run, state } = setup([blue]);
    run(svc('holder', { spec: { loadBalancerIP: '192.0.2.3' } }));
    run(svc('a'));
    const asked = svc('a', {
      ingress: ['192.0.2.0'],
      annotations: { 'ironlb.io/loadBalancerIPs': '192.0.2.3' },
    });
    expect(run(asked).outcome).toMatchObject({
      kind: 'kept',
      ips: ['192.0.2.0'],
      reason: 'ipInUse',
      orphan: false,
    });
    expect(state.allocation('ns/a')?.ips.map(String)).toEqual(['192.0.2.0']);
    expect(state.waiting.has('ns/a')).toBe(true);
    run('ns/holder');
    expect(run(asked)).toEqual({
      outcome: { kind: 'allocated', pool: 'blue', ips: ['192.0.2.3'] },
      freed: true,
    });
  });

  it('moves a Service whose new ports conflict with the Service it shares with', () => {
    const { run } = setup([blue]);
    const key = { 'ironlb.io/allow-shared-ip': 'k' };
    run(svc('a', { annotations: key, spec: { ports: [{ port: 80 }] } }));
    run(svc('b', { annotations: key, spec: { ports: [{ port: 443 }] } }));
    const moved = run(
      svc('b', { annotations: key, ingress: ['192.0.2.0'], spec: { ports: [{ port: 80 }] } }),
    );
    expect(moved).toEqual({ outcome: { kind: 'allocated', pool: 'blue', ips: ['192.0.2.1'] }, freed: true });
  });

  it('a Service whose pool is deleted keeps its address as an orphan; nobody else can get it', () => {
    const { run, state } = setup([blue, green]);
    run(svc('a'));
    state.setPools([green]);
    expect(state.takeAffected()).toEqual(['ns/a']);
    const r = run(svc('a', { ingress: ['192.0.2.0'] }));
    expect(r.outcome).toMatchObject({
      kind: 'kept',
      ips: ['192.0.2.0'],
      pool: 'blue',
      reason: 'ipNotInPool',
      orphan: true,
    });
    expect(run(svc('b', { spec: { loadBalancerIP: '192.0.2.0' } })).outcome).toMatchObject({
      reason: 'ipNotInPool',
    });
    // Re-reconciling changes nothing; asking for another pool moves it.
    expect(run(svc('a', { ingress: ['192.0.2.0'] })).outcome).toEqual(r.outcome);
    const asked = svc('a', { ingress: ['192.0.2.0'], annotations: { 'ironlb.io/address-pool': 'green' } });
    expect(run(asked).outcome).toMatchObject({ kind: 'allocated', pool: 'green' });
    expect(state.claims.size).toBe(0);
  });

  it('an orphan whose requested move is refused stays an orphan and says why', () => {
    const { run, state } = setup([blue, green]);
    run(svc('a'));
    state.setPools([green]);
    const asked = svc('a', { ingress: ['192.0.2.0'], annotations: { 'ironlb.io/address-pool': 'gone' } });
    const r = run(asked);
    expect(r.outcome).toMatchObject({
      kind: 'kept',
      ips: ['192.0.2.0'],
      reason: 'unknownPool',
      orphan: true,
    });
    expect(r.outcome.kind === 'kept' && r.outcome.detail).toContain('the requested change cannot be made');
    expect(state.claims.get('ns/a')).toMatchObject({ kind: 'orphan', reason: 'ipNotInPool' });
  });

  it('with the reallocate policy, an orphan moves to a pool that covers it (MetalLB)', () => {
    const { run, state } = setup([blue, green], 'reallocate');
    run(svc('a'));
    state.setPools([green]);
    expect(run(svc('a', { ingress: ['192.0.2.0'] }))).toEqual({
      outcome: { kind: 'allocated', pool: 'green', ips: ['198.51.100.0'] },
      freed: true,
    });
  });

  it('a renamed pool keeps the Service on its address under the new name', () => {
    const { run, state } = setup([blue]);
    run(svc('a'));
    state.setPools([{ ...blue, name: 'navy' }]);
    expect(state.takeAffected()).toEqual(['ns/a']);
    expect(run(svc('a', { ingress: ['192.0.2.0'] })).outcome).toEqual({
      kind: 'allocated',
      pool: 'navy',
      ips: ['192.0.2.0'],
    });
  });

  it('the pool coming back reinstates an orphan on its address', () => {
    const { run, state } = setup([blue]);
    run(svc('a'));
    state.setPools([]);
    run(svc('a', { ingress: ['192.0.2.0'] }));
    state.setPools([blue]);
    expect(state.takeAffected()).toContain('ns/a');
    expect(run(svc('a', { ingress: ['192.0.2.0'] })).outcome).toMatchObject({
      kind: 'allocated',
      ips: ['192.0.2.0'],
    });
  });

  it('a scope change keeps the Service on a reserved address; the reservation goes with it', () => {
    const scoped = (namespaces: string[]): Pool => ({
      name: 'team',
      addresses: ['192.0.2.0/31'],
      serviceAllocation: { namespaces },
    });
    const { run, state } = setup([scoped(['ns', 'other'])]);
    run(svc('a'));
    state.setPools([scoped(['other'])]);
    expect(run(svc('a', { ingress: ['192.0.2.0'] })).outcome).toMatchObject({
      kind: 'kept',
      reason: 'poolNotAllowedForNamespace',
      orphan: true,
    });
    expect(state.reservedAddresses()).toEqual(['192.0.2.0']);
    expect(run(svc('x', { namespace: 'other' })).outcome).toMatchObject({ ips: ['192.0.2.1'] });
    expect(run(svc('y', { namespace: 'other' })).outcome).toMatchObject({ reason: 'poolExhausted' });
    run('ns/a');
    expect(state.flushReservations()).toBe(true);
    expect(run(svc('y', { namespace: 'other' })).outcome).toMatchObject({ ips: ['192.0.2.0'] });
  });

  it("a Service whose labels no longer match its pool's selectors keeps its address, and gets it back when they match", () => {
    const vip: Pool = {
      name: 'vip',
      addresses: ['192.0.2.0/31'],
      serviceAllocation: { serviceSelectors: [{ matchLabels: { tier: 'vip' } }] },
    };
    const { run, state } = setup([vip, green]);
    run(svc('a', { labels: { tier: 'vip' } }));
    const plain = run(svc('a', { ingress: ['192.0.2.0'] }));
    expect(plain.outcome).toMatchObject({
      kind: 'kept',
      reason: 'poolNotAllowedForService',
      ips: ['192.0.2.0'],
    });
    expect(state.reservedAddresses()).toEqual(['192.0.2.0']);
    const back = run(svc('a', { ingress: ['192.0.2.0'], labels: { tier: 'vip' } }));
    expect(back.outcome).toMatchObject({ kind: 'allocated', pool: 'vip', ips: ['192.0.2.0'] });
    expect(state.reservedAddresses()).toEqual([]);
  });

  it('restores contested addresses for the Service created first; the other gets a new one', () => {
    const { run, restore, state } = setup([blue]);
    const older = svc('older', { ingress: ['192.0.2.2'], created: '2025-01-01T00:00:00Z' });
    const newer = svc('newer', { ingress: ['192.0.2.2'], created: '2025-01-02T00:00:00Z' });
    restore(newer);
    restore(older);
    expect(state.claims.get('ns/newer')).toMatchObject({ kind: 'contested', reason: 'ipInUse' });
    expect(run(older).outcome).toMatchObject({ kind: 'allocated', ips: ['192.0.2.2'] });
    expect(run(newer).outcome).toMatchObject({ kind: 'allocated', ips: ['192.0.2.0'] });
    expect(state.claims.size).toBe(0);
  });

  it('restores on first sight only what carries our marks', () => {
    const { run } = setup([blue]);
    const foreign = svc('foreign', { ingress: ['192.0.2.3'] });
    expect(run(foreign).outcome).toMatchObject({ ips: ['192.0.2.0'] });
    const ours = svc('ours', { ingress: ['192.0.2.3'], ourCondition: true });
    expect(run(ours).outcome).toMatchObject({ ips: ['192.0.2.3'] });
  });

  it('keeps the address of a Service whose request became malformed', () => {
    const { run } = setup([blue]);
    run(svc('a'));
    const broken = svc('a', { ingress: ['192.0.2.0'], annotations: { 'ironlb.io/loadBalancerIPs': 'x' } });
    expect(run(broken).outcome).toMatchObject({ kind: 'kept', ips: ['192.0.2.0'], reason: 'invalidRequest' });
    expect(run(svc('b', { annotations: { 'ironlb.io/loadBalancerIPs': 'x' } })).outcome).toMatchObject({
      kind: 'pending',
      reason: 'invalidRequest',
    });
  });

  it('releases Services that are no longer ours, and touches foreign ones not at all', () => {
    const { run, state } = setup([blue]);
    run(svc('a'));
    const away = svc('a', { spec: { type: 'ClusterIP' }, ingress: ['192.0.2.0'], ourCondition: true });
    expect(run(away)).toEqual({ outcome: { kind: 'released' }, freed: true });
    expect(state.allocation('ns/a')).toBeUndefined();
    expect(run(svc('b', { spec: { loadBalancerClass: 'x/y' } })).outcome).toEqual({ kind: 'untouched' });
  });

  it('grows a single-stack allocation to dual-stack in its pool', () => {
    const dual: Pool = { name: 'dual', addresses: ['192.0.2.0/30', '2001:db8::/126'] };
    const { run } = setup([dual]);
    run(svc('a'));
    const grown = run(
      svc('a', {
        ingress: ['192.0.2.0'],
        spec: { ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'PreferDualStack' },
      }),
    );
    expect(grown.outcome).toEqual({ kind: 'allocated', pool: 'dual', ips: ['192.0.2.0', '2001:db8::'] });
  });
});

describe('wantsChange', () => {
  const base = { serviceKey: 'ns/a', namespace: 'ns' };
  it('is true only when the request asks for other addresses, another pool or other families', () => {
    expect(wantsChange(base, ['192.0.2.1'], 'blue')).toBe(false);
    expect(wantsChange({ ...base, requestedIPs: ['192.0.2.1'] }, ['192.0.2.1'], 'blue')).toBe(false);
    expect(
      wantsChange({ ...base, requestedIPs: ['2001:DB8::1'], primaryFamily: 6 }, ['2001:db8::1'], 'blue'),
    ).toBe(false);
    expect(wantsChange({ ...base, requestedIPs: ['192.0.2.2'] }, ['192.0.2.1'], 'blue')).toBe(true);
    expect(wantsChange({ ...base, pool: 'green' }, ['192.0.2.1'], 'blue')).toBe(true);
    expect(wantsChange({ ...base, primaryFamily: 6 }, ['192.0.2.1'], 'blue')).toBe(true);
    expect(wantsChange({ ...base, ipFamilyPolicy: 'RequireDualStack' }, ['192.0.2.1'], 'blue')).toBe(true);
    expect(wantsChange({ ...base, ipFamilyPolicy: 'PreferDualStack' }, ['192.0.2.1'], 'blue')).toBe(false);
  });
});
