// The main allocation scenarios, run twice: with an admin identity (allocation.test.ts) and
// with RBAC enforced, the controller authenticating as its ServiceAccount bound only to
// config/rbac/controller.yaml (rbac.test.ts). Each scenario gets a fresh emulator and
// controller.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Cluster,
  type ControllerHandle,
  allocatedCondition,
  applyPool,
  createNamespace,
  createService,
  deleteService,
  eventReasons,
  eventsFor,
  getPool,
  getService,
  ingressIPs,
  patchService,
  sleep,
  startCluster,
  startController,
  stopAllControllers,
  waitFor,
  waitForIPs,
  waitForReason,
  waitForService,
} from './harness.js';

export function allocationScenarios(options: { asServiceAccount: boolean }): void {
  let cluster: Cluster;
  let ctl: ControllerHandle;
  const ns = 'shop';

  beforeEach(async () => {
    cluster = await startCluster({ asServiceAccount: options.asServiceAccount });
    await createNamespace(cluster, ns, { team: 'shop' });
  });
  afterEach(async () => {
    await stopAllControllers();
    // With RBAC on, the ServiceAccount must never have been refused anything.
    const forbidden = cluster.forbidden();
    await cluster.close();
    expect(forbidden).toEqual([]);
  });

  async function start(extra: Parameters<typeof startController>[1] = {}) {
    ctl = await startController(cluster, extra);
    return ctl;
  }

  describe('allocation', () => {
    it('gives the first address of the pool, with the condition, the pool annotation and one Event', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await start();
      await createService(cluster, ns, 'web');
      const svc = await waitForIPs(cluster, ns, 'web', ['192.0.2.0']);
      expect(svc.status?.loadBalancer?.ingress).toEqual([{ ip: '192.0.2.0', ipMode: 'VIP' }]);
      expect(svc.metadata.annotations?.['ironlb.io/ip-allocated-from-pool']).toBe('blue');
      expect(allocatedCondition(svc)).toMatchObject({ status: 'True', reason: 'allocated' });
      await waitFor('IPAllocated event', async () =>
        (await eventReasons(cluster, ns, 'web')).includes('IPAllocated'),
      );
      const events = await eventsFor(cluster, ns, 'web');
      expect(events.map((e) => [e.reason, e.message])).toEqual([
        ['IPAllocated', 'Assigned 192.0.2.0 from pool blue'],
      ]);
    });

    it('honours spec.loadBalancerIP', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await start();
      await createService(cluster, ns, 'web', { spec: { loadBalancerIP: '192.0.2.9' } });
      await waitForIPs(cluster, ns, 'web', ['192.0.2.9']);
    });

    it('honours the loadBalancerIPs annotation with one address per family', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28', '2001:db8::/120'] });
      await start();
      await createService(cluster, ns, 'web', {
        annotations: { 'ironlb.io/loadBalancerIPs': '192.0.2.7,2001:db8::7' },
        spec: { ipFamilyPolicy: 'RequireDualStack' },
      });
      await waitForIPs(cluster, ns, 'web', ['192.0.2.7', '2001:db8::7']);
    });

    it('reports a requested address in use, keeps the holder, and hands it over when the holder goes', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await start();
      await createService(cluster, ns, 'first', { spec: { loadBalancerIP: '192.0.2.5' } });
      await waitForIPs(cluster, ns, 'first', ['192.0.2.5']);
      await createService(cluster, ns, 'second', { spec: { loadBalancerIP: '192.0.2.5' } });
      const pending = await waitForReason(cluster, ns, 'second', 'ipInUse');
      expect(ingressIPs(pending)).toEqual([]);
      expect(allocatedCondition(pending)?.message).toContain('192.0.2.5 is in use by shop/first');
      await waitFor('AllocationFailed event', async () =>
        (await eventReasons(cluster, ns, 'second')).includes('AllocationFailed'),
      );
      expect(ingressIPs(await getService(cluster, ns, 'first'))).toEqual(['192.0.2.5']);
      await deleteService(cluster, ns, 'first');
      await waitForIPs(cluster, ns, 'second', ['192.0.2.5']);
    });

    it('takes the address from the pool named by the annotation', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await applyPool(cluster, 'green', { addresses: ['198.51.100.0/28'] });
      await start();
      await createService(cluster, ns, 'web', { annotations: { 'ironlb.io/address-pool': 'green' } });
      const svc = await waitForIPs(cluster, ns, 'web', ['198.51.100.0']);
      expect(svc.metadata.annotations?.['ironlb.io/ip-allocated-from-pool']).toBe('green');
      await createService(cluster, ns, 'lost', { annotations: { 'ironlb.io/address-pool': 'nope' } });
      await waitForReason(cluster, ns, 'lost', 'unknownPool');
    });

    it('never takes from an autoAssign: false pool unless asked', async () => {
      await applyPool(cluster, 'manual', { addresses: ['198.51.100.0/28'], autoAssign: false });
      await start();
      await createService(cluster, ns, 'auto');
      await waitForReason(cluster, ns, 'auto', 'noMatchingPool');
      await createService(cluster, ns, 'asked', { annotations: { 'ironlb.io/address-pool': 'manual' } });
      await waitForIPs(cluster, ns, 'asked', ['198.51.100.0']);
      await createService(cluster, ns, 'requested', { spec: { loadBalancerIP: '198.51.100.9' } });
      await waitForIPs(cluster, ns, 'requested', ['198.51.100.9']);
    });

    it('prefers scoped pools by priority: namespace selectors, then service selectors, then the rest', async () => {
      await applyPool(cluster, 'general', { addresses: ['192.0.2.0/28'] });
      await applyPool(cluster, 'team', {
        addresses: ['198.51.100.0/28'],
        serviceAllocation: { priority: 20, namespaceSelectors: [{ matchLabels: { team: 'shop' } }] },
      });
      await applyPool(cluster, 'vip', {
        addresses: ['203.0.113.0/28'],
        serviceAllocation: { priority: 10, serviceSelectors: [{ matchLabels: { tier: 'vip' } }] },
      });
      await createNamespace(cluster, 'other');
      await start();
      await createService(cluster, ns, 'plain');
      await createService(cluster, ns, 'gold', { labels: { tier: 'vip' } });
      await createService(cluster, 'other', 'outsider');
      await waitForIPs(cluster, ns, 'plain', ['198.51.100.0']);
      await waitForIPs(cluster, ns, 'gold', ['203.0.113.0']);
      await waitForIPs(cluster, 'other', 'outsider', ['192.0.2.0']);
      // A scoped pool refuses Services it does not admit, even on explicit request.
      await createService(cluster, 'other', 'pushy', { annotations: { 'ironlb.io/address-pool': 'team' } });
      await waitForReason(cluster, 'other', 'pushy', 'poolNotAllowedForNamespace');
    });
  });

  describe('sharing', () => {
    it('shares one address between Services with the same key and different ports', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await start();
      const key = { 'ironlb.io/allow-shared-ip': 'web' };
      await createService(cluster, ns, 'http', { annotations: key, ports: [80] });
      await waitForIPs(cluster, ns, 'http', ['192.0.2.0']);
      await createService(cluster, ns, 'https', { annotations: key, ports: [443] });
      await waitForIPs(cluster, ns, 'https', ['192.0.2.0']);
      const pool = await waitFor('pool status', async () => {
        const p = await getPool(cluster, 'blue');
        return p.status?.assignedIPv4 === 1 ? p : undefined;
      });
      expect(pool.status?.availableIPv4).toBe(15);
    });

    it('refuses to share when the ports overlap', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await start();
      const key = { 'ironlb.io/allow-shared-ip': 'web' };
      await createService(cluster, ns, 'a', { annotations: key, ports: [80] });
      await waitForIPs(cluster, ns, 'a', ['192.0.2.0']);
      await createService(cluster, ns, 'b', { annotations: key, ports: [80] });
      await waitForIPs(cluster, ns, 'b', ['192.0.2.1']);
      await createService(cluster, ns, 'c', {
        annotations: key,
        ports: [80, 8080],
        spec: { loadBalancerIP: '192.0.2.0' },
      });
      const c = await waitForReason(cluster, ns, 'c', 'sharingConflict');
      expect(allocatedCondition(c)?.message).toContain('both use port TCP/80');
    });

    it('refuses to share between Services with externalTrafficPolicy Local and different selectors', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await start();
      const key = { 'ironlb.io/allow-shared-ip': 'web' };
      await createService(cluster, ns, 'a', {
        annotations: key,
        ports: [80],
        spec: { externalTrafficPolicy: 'Local', selector: { app: 'one' } },
      });
      await waitForIPs(cluster, ns, 'a', ['192.0.2.0']);
      await createService(cluster, ns, 'b', {
        annotations: key,
        ports: [443],
        spec: { externalTrafficPolicy: 'Local', selector: { app: 'two' }, loadBalancerIP: '192.0.2.0' },
      });
      const b = await waitForReason(cluster, ns, 'b', 'sharingConflict');
      expect(allocatedCondition(b)?.message).toContain('backend keys differ');
      await createService(cluster, ns, 'c', {
        annotations: key,
        ports: [443],
        spec: { externalTrafficPolicy: 'Local', selector: { app: 'one' }, loadBalancerIP: '192.0.2.0' },
      });
      await waitForIPs(cluster, ns, 'c', ['192.0.2.0']);
    });
  });

  describe('dual-stack', () => {
    it('PreferDualStack gets both families from one pool, or one family when no pool has both', async () => {
      await applyPool(cluster, 'dual', { addresses: ['192.0.2.0/28', '2001:db8::/120'] });
      await start();
      await createService(cluster, ns, 'both', { spec: { ipFamilyPolicy: 'PreferDualStack' } });
      await waitForIPs(cluster, ns, 'both', ['192.0.2.0', '2001:db8::']);
      await applyPool(cluster, 'v4only', {
        addresses: ['198.51.100.0/28'],
        serviceAllocation: { namespaces: ['v4'] },
      });
      await createNamespace(cluster, 'v4');
      await createService(cluster, 'v4', 'one', { spec: { ipFamilyPolicy: 'PreferDualStack' } });
      // The scoped v4-only pool comes first; dual-stack pools are tried first for both families.
      await waitForIPs(cluster, 'v4', 'one', ['192.0.2.1', '2001:db8::1']);
    });

    it('RequireDualStack without a pool holding both families waits with familyUnavailable', async () => {
      await applyPool(cluster, 'v4', { addresses: ['192.0.2.0/28'] });
      await applyPool(cluster, 'v6', { addresses: ['2001:db8::/120'] });
      await start();
      await createService(cluster, ns, 'web', { spec: { ipFamilyPolicy: 'RequireDualStack' } });
      await waitForReason(cluster, ns, 'web', 'familyUnavailable');
      await createService(cluster, ns, 'six', {
        spec: { ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' },
      });
      await waitForIPs(cluster, ns, 'six', ['2001:db8::']);
    });
  });

  describe('class filtering', () => {
    it('handles Services without a class and with ironlb.io/ironlb, and leaves other classes alone', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await start();
      await createService(cluster, ns, 'ours', { spec: { loadBalancerClass: 'ironlb.io/ironlb' } });
      await createService(cluster, ns, 'theirs', { spec: { loadBalancerClass: 'example.com/other' } });
      await createService(cluster, ns, 'plain');
      await waitForIPs(cluster, ns, 'ours');
      await waitForIPs(cluster, ns, 'plain');
      await sleep(300);
      const theirs = await getService(cluster, ns, 'theirs');
      expect(theirs.status?.loadBalancer?.ingress).toBeUndefined();
      expect(allocatedCondition(theirs)).toBeUndefined();
    });

    it('with another class handles only that class', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await start({ filter: { lbClass: 'example.com/lb', unclassed: false } });
      await createService(cluster, ns, 'plain');
      await createService(cluster, ns, 'mine', { spec: { loadBalancerClass: 'example.com/lb' } });
      await waitForIPs(cluster, ns, 'mine', ['192.0.2.0']);
      await sleep(300);
      expect(ingressIPs(await getService(cluster, ns, 'plain'))).toEqual([]);
    });
  });

  describe('lifecycle', () => {
    it('a Service waiting on a full pool gets the address freed by a delete, and nobody else moves', async () => {
      await applyPool(cluster, 'tiny', { addresses: ['192.0.2.0/31'] });
      await start();
      await createService(cluster, ns, 'a');
      await createService(cluster, ns, 'b');
      await waitForIPs(cluster, ns, 'a', ['192.0.2.0']);
      await waitForIPs(cluster, ns, 'b', ['192.0.2.1']);
      await createService(cluster, ns, 'c');
      const c = await waitForReason(cluster, ns, 'c', 'poolExhausted');
      expect(allocatedCondition(c)?.message).toBe('pool tiny has no free IPv4 address: 2 of 2 assigned');
      await deleteService(cluster, ns, 'a');
      await waitForIPs(cluster, ns, 'c', ['192.0.2.0']);
      expect(ingressIPs(await getService(cluster, ns, 'b'))).toEqual(['192.0.2.1']);
    });

    it('changing the type away from LoadBalancer frees the address and clears what IronLB wrote', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/31'] });
      await start();
      await createService(cluster, ns, 'web');
      await waitForIPs(cluster, ns, 'web', ['192.0.2.0']);
      await patchService(cluster, ns, 'web', { spec: { type: 'ClusterIP' } });
      const svc = await waitForService(cluster, ns, 'web', (s) => allocatedCondition(s) === undefined);
      expect(ingressIPs(svc)).toEqual([]);
      expect(svc.metadata.annotations?.['ironlb.io/ip-allocated-from-pool']).toBeUndefined();
      await waitFor('IPReleased', async () =>
        (await eventReasons(cluster, ns, 'web')).includes('IPReleased'),
      );
      const pool = await waitFor('pool counts', async () => {
        const p = await getPool(cluster, 'blue');
        return p.status?.assignedIPv4 === 0 ? p : undefined;
      });
      expect(pool.status?.availableIPv4).toBe(2);
    });

    it('accepts the metallb.io annotations, suggesting the ironlb.io names once', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await applyPool(cluster, 'green', { addresses: ['198.51.100.0/28'] });
      await start();
      await createService(cluster, ns, 'old', {
        annotations: { 'metallb.io/address-pool': 'green', 'metallb.io/loadBalancerIPs': '198.51.100.3' },
      });
      await waitForIPs(cluster, ns, 'old', ['198.51.100.3']);
      await patchService(cluster, ns, 'old', { metadata: { labels: { touched: 'yes' } } });
      await sleep(300);
      const events = await eventsFor(cluster, ns, 'old');
      const notes = events.filter((e) => e.reason === 'DeprecatedAnnotation').map((e) => e.message);
      expect(notes.sort()).toEqual([
        'annotation metallb.io/address-pool is accepted as an alias of ironlb.io/address-pool; please use ironlb.io/address-pool',
        'annotation metallb.io/loadBalancerIPs is accepted as an alias of ironlb.io/loadBalancerIPs; please use ironlb.io/loadBalancerIPs',
      ]);
      expect(events.every((e) => (e.count ?? 1) === 1)).toBe(true);
    });

    it('reports a malformed request and keeps the address it has', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await start();
      await createService(cluster, ns, 'web');
      await waitForIPs(cluster, ns, 'web', ['192.0.2.0']);
      await patchService(cluster, ns, 'web', {
        metadata: { annotations: { 'ironlb.io/loadBalancerIPs': 'nonsense' } },
      });
      const svc = await waitForReason(cluster, ns, 'web', 'invalidRequest');
      expect(ingressIPs(svc)).toEqual(['192.0.2.0']);
      expect(allocatedCondition(svc)?.message).toContain('keeping 192.0.2.0');
    });

    it('keeps the current address while a requested new one is in use, and moves once it is free', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/28'] });
      await start();
      await createService(cluster, ns, 'holder', { spec: { loadBalancerIP: '192.0.2.8' } });
      await createService(cluster, ns, 'web');
      await waitForIPs(cluster, ns, 'holder', ['192.0.2.8']);
      const before = await waitForIPs(cluster, ns, 'web');
      const ip = ingressIPs(before)[0]!;
      await patchService(cluster, ns, 'web', {
        metadata: { annotations: { 'ironlb.io/loadBalancerIPs': '192.0.2.8' } },
      });
      const kept = await waitForReason(cluster, ns, 'web', 'ipInUse');
      expect(ingressIPs(kept)).toEqual([ip]);
      await deleteService(cluster, ns, 'holder');
      await waitForIPs(cluster, ns, 'web', ['192.0.2.8']);
    });

    it('re-reconciling an unchanged Service writes nothing and records no Event', async () => {
      await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/31'] });
      await start();
      await createService(cluster, ns, 'web');
      await createService(cluster, ns, 'stuck', { spec: { loadBalancerIP: '198.51.100.1' } });
      await waitForIPs(cluster, ns, 'web');
      await waitForReason(cluster, ns, 'stuck', 'ipNotInPool');
      await sleep(300);
      const events = async () =>
        (await eventsFor(cluster, ns, 'web')).length + (await eventsFor(cluster, ns, 'stuck')).length;
      const before = await events();
      // Unrelated changes and forced reconciles make the controller look again.
      for (let i = 0; i < 5; i++) {
        await patchService(cluster, ns, 'web', { metadata: { labels: { round: String(i) } } });
        await patchService(cluster, ns, 'stuck', { metadata: { labels: { round: String(i) } } });
      }
      for (const key of ['shop/web', 'shop/stuck']) ctl.controller.term!.serviceChanged(key);
      await sleep(500);
      expect(await events()).toBe(before);
      const writes = await ctl.controller.metrics.statusWrites.get();
      const svcWrites = writes.values.filter(
        (v) => v.labels.resource === 'services' && v.labels.outcome === 'written',
      );
      expect(svcWrites.reduce((n, v) => n + v.value, 0)).toBe(2);
    });
  });
}
