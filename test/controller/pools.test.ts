// Pool changes against the emulator: deletion and shrinking never strip a working Service
// (it keeps its address, reported, and nobody else gets it), MetalLB's reallocation as an
// option, scope changes, overlapping and invalid pools reported on the object while the last
// valid configuration keeps working, schema rejections at `kubectl apply`, and pool status.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Cluster,
  allocatedCondition,
  applyPool,
  createNamespace,
  createService,
  deletePool,
  deleteService,
  eventReasons,
  eventsFor,
  getPool,
  getService,
  ingressIPs,
  sleep,
  startCluster,
  startController,
  stopAllControllers,
  waitFor,
  waitForIPs,
  waitForReason,
} from './harness.js';

let cluster: Cluster;
const ns = 'shop';

beforeEach(async () => {
  cluster = await startCluster({ requestLogLimit: 20_000 });
  await createNamespace(cluster, ns);
});
afterEach(async () => {
  await stopAllControllers();
  await cluster.close();
});

async function poolWhere(name: string, check: (p: Awaited<ReturnType<typeof getPool>>) => boolean) {
  return waitFor(`pool ${name}`, async () => {
    const p = await getPool(cluster, name);
    return check(p) ? p : undefined;
  });
}

describe('pool deleted or shrunk', () => {
  it('a deleted pool leaves its Services their addresses, reported; the pool coming back clears it', async () => {
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/30'] });
    await applyPool(cluster, 'green', { addresses: ['198.51.100.0/30'] });
    await startController(cluster);
    await createService(cluster, ns, 'a', { annotations: { 'ironlb.io/address-pool': 'blue' } });
    await createService(cluster, ns, 'b', { annotations: { 'ironlb.io/address-pool': 'green' } });
    await waitForIPs(cluster, ns, 'a', ['192.0.2.0']);
    await waitForIPs(cluster, ns, 'b', ['198.51.100.0']);
    await deletePool(cluster, 'blue');
    const a = await waitForReason(cluster, ns, 'a', 'ipNotInPool');
    expect(ingressIPs(a)).toEqual(['192.0.2.0']);
    expect(allocatedCondition(a)?.message).toMatch(/^192\.0\.2\.0 \(from pool blue\) is no longer covered/);
    await waitFor('AddressOrphaned', async () =>
      (await eventReasons(cluster, ns, 'a')).includes('AddressOrphaned'),
    );
    expect(await eventReasons(cluster, ns, 'a')).not.toContain('IPReleased');
    expect(ingressIPs(await getService(cluster, ns, 'b'))).toEqual(['198.51.100.0']);
    // Nobody else can be given the orphan's address.
    await createService(cluster, ns, 'c', { spec: { loadBalancerIP: '192.0.2.0' } });
    await waitForReason(cluster, ns, 'c', 'ipNotInPool');
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/30'] });
    await waitForIPs(cluster, ns, 'a', ['192.0.2.0']);
    // ... and when the pool is back, the request of the newer Service still loses to the orphan.
    await waitForReason(cluster, ns, 'c', 'ipInUse');
  });

  it('a shrunk pool keeps the Services outside the new range on their addresses, and counts the rest', async () => {
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/29'] });
    await startController(cluster);
    for (let i = 0; i < 6; i++) await createService(cluster, ns, `s${i}`);
    for (let i = 0; i < 6; i++) await waitForIPs(cluster, ns, `s${i}`, [`192.0.2.${i}`]);
    await poolWhere('blue', (p) => p.status?.assignedIPv4 === 6 && p.status.availableIPv4 === 2);
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/30'] });
    for (const i of [4, 5]) {
      const s = await waitForReason(cluster, ns, `s${i}`, 'ipNotInPool');
      expect(ingressIPs(s)).toEqual([`192.0.2.${i}`]);
    }
    for (const i of [0, 1, 2, 3])
      expect(ingressIPs(await getService(cluster, ns, `s${i}`))).toEqual([`192.0.2.${i}`]);
    await poolWhere('blue', (p) => p.status?.assignedIPv4 === 4 && p.status.availableIPv4 === 0);
    await createService(cluster, ns, 'late');
    await waitForReason(cluster, ns, 'late', 'poolExhausted');
  });

  it('with --orphaned-addresses=reallocate, Services move to a pool that covers them (MetalLB)', async () => {
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/30'] });
    await applyPool(cluster, 'green', { addresses: ['198.51.100.0/30'] });
    await startController(cluster, { orphanPolicy: 'reallocate' });
    await createService(cluster, ns, 'a', { spec: { loadBalancerIP: '192.0.2.1' } });
    await createService(cluster, ns, 'b');
    await waitForIPs(cluster, ns, 'a', ['192.0.2.1']);
    await waitForIPs(cluster, ns, 'b', ['192.0.2.0']);
    await deletePool(cluster, 'blue');
    await waitForIPs(cluster, ns, 'b', ['198.51.100.0']);
    // A Service that asked for an address of the deleted pool cannot move: it loses it.
    const a = await waitForReason(cluster, ns, 'a', 'ipNotInPool');
    expect(ingressIPs(a)).toEqual([]);
    await waitFor('events', async () => {
      const r = await eventReasons(cluster, ns, 'b');
      return r.includes('IPReleased') && r.filter((x) => x === 'IPAllocated').length === 2;
    });
  });

  it('a scope change keeps the Service on its address and reserves it from everybody else', async () => {
    await createNamespace(cluster, 'other');
    await applyPool(cluster, 'team', {
      addresses: ['192.0.2.0/31'],
      serviceAllocation: { namespaces: [ns, 'other'] },
    });
    await startController(cluster);
    await createService(cluster, ns, 'web');
    await waitForIPs(cluster, ns, 'web', ['192.0.2.0']);
    await applyPool(cluster, 'team', {
      addresses: ['192.0.2.0/31'],
      serviceAllocation: { namespaces: ['other'] },
    });
    const web = await waitForReason(cluster, ns, 'web', 'poolNotAllowedForNamespace');
    expect(ingressIPs(web)).toEqual(['192.0.2.0']);
    await createService(cluster, 'other', 'x');
    await createService(cluster, 'other', 'y');
    await waitForIPs(cluster, 'other', 'x', ['192.0.2.1']);
    await waitForReason(cluster, 'other', 'y', 'poolExhausted');
    // The orphan goes away: its address is free again.
    await deleteService(cluster, ns, 'web');
    await waitForIPs(cluster, 'other', 'y', ['192.0.2.0']);
  });
});

describe('configuration problems', () => {
  it('an overlapping pool is reported on the object while the first one keeps working', async () => {
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/29'] });
    await startController(cluster);
    await createService(cluster, ns, 'web');
    await waitForIPs(cluster, ns, 'web', ['192.0.2.0']);
    await applyPool(cluster, 'clash', { addresses: ['192.0.2.4/30', '198.51.100.0/30'] });
    const clash = await poolWhere('clash', (p) => p.status?.conditions?.[0]?.status === 'False');
    expect(clash.status?.conditions?.[0]).toMatchObject({ type: 'Valid', reason: 'overlappingAddresses' });
    expect(clash.status?.conditions?.[0]?.message).toContain(
      'overlaps 192.0.2.0-192.0.2.7 of IPAddressPool "blue"',
    );
    const events = await waitFor('event', async () => {
      const e = await eventsFor(cluster, 'default', 'clash', 'IPAddressPool');
      return e.length > 0 ? e : undefined;
    });
    expect(events[0]).toMatchObject({ type: 'Warning', reason: 'overlappingAddresses' });
    const blue = await poolWhere('blue', (p) => p.status?.conditions?.[0]?.status === 'True');
    expect(blue.status?.assignedIPv4).toBe(1);
    // The rejected pool hands out nothing.
    await createService(cluster, ns, 'b', { spec: { loadBalancerIP: '198.51.100.1' } });
    await waitForReason(cluster, ns, 'b', 'ipNotInPool');
  });

  it('an edit that breaks a pool keeps its last valid version in effect, and says so', async () => {
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/30'] });
    await startController(cluster);
    await createService(cluster, ns, 'web');
    await waitForIPs(cluster, ns, 'web', ['192.0.2.0']);
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/30', '192.0.2.9-192.0.2.7'] });
    const blue = await poolWhere('blue', (p) => p.status?.conditions?.[0]?.status === 'False');
    expect(blue.status?.conditions?.[0]).toMatchObject({ reason: 'invalidAddress', observedGeneration: 2 });
    expect(blue.status?.conditions?.[0]?.message).toContain(
      'the last valid version (generation 1) stays in effect',
    );
    await createService(cluster, ns, 'more');
    await waitForIPs(cluster, ns, 'more', ['192.0.2.1']);
    expect(ingressIPs(await getService(cluster, ns, 'web'))).toEqual(['192.0.2.0']);
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/30', '192.0.2.7-192.0.2.9'] });
    await poolWhere(
      'blue',
      (p) => p.status?.conditions?.[0]?.status === 'True' && p.status.availableIPv4 === 5,
    );
  });

  it('reports problems of the other kinds too: a BGPAdvertisement naming a missing peer', async () => {
    await applyPool(cluster, 'blue', { addresses: ['192.0.2.0/30'] });
    await startController(cluster);
    await cluster.api.request({
      method: 'POST',
      path: '/apis/ironlb.io/v1beta1/bgpadvertisements',
      body: {
        apiVersion: 'ironlb.io/v1beta1',
        kind: 'BGPAdvertisement',
        metadata: { name: 'to-router' },
        spec: { ipAddressPools: ['blue'], peers: ['nobody'] },
      },
    });
    const ad = await waitFor('Valid=False on the advertisement', async () => {
      const o = await cluster.api.request<{
        status?: { conditions?: { status: string; reason: string; message: string }[] };
      }>({
        method: 'GET',
        path: '/apis/ironlb.io/v1beta1/bgpadvertisements/to-router',
      });
      return o.status?.conditions?.[0]?.status === 'False' ? o : undefined;
    });
    expect(ad.status?.conditions?.[0]).toMatchObject({ reason: 'missingPeer' });
    expect(ad.status?.conditions?.[0]?.message).toContain('BGPPeer "nobody" does not exist');
    await waitFor('missingPeer Event', async () =>
      (await eventReasons(cluster, 'default', 'to-router', 'BGPAdvertisement')).includes('missingPeer'),
    );
    // Allocation goes on.
    await createService(cluster, ns, 'web');
    await waitForIPs(cluster, ns, 'web', ['192.0.2.0']);
  });

  it('the schema rejects malformed pools at kubectl apply with messages naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ironlb-ctl-kubectl-'));
    try {
      writeFileSync(join(dir, 'kubeconfig'), cluster.emu.kubeconfig());
      const manifest = [
        'apiVersion: ironlb.io/v1beta1',
        'kind: IPAddressPool',
        'metadata: { name: broken }',
        'spec:',
        '  addresses: ["not-an-address"]',
        '  autoAssign: "sometimes"',
      ].join('\n');
      writeFileSync(join(dir, 'pool.yaml'), manifest);
      const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(
          'kubectl',
          [
            '--kubeconfig',
            join(dir, 'kubeconfig'),
            '--cache-dir',
            join(dir, 'cache'),
            'apply',
            '-f',
            join(dir, 'pool.yaml'),
          ],
          { timeout: 60_000 },
          (err, _stdout, stderr) => resolve({ code: err ? 1 : 0, stderr }),
        ),
      );
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('The IPAddressPool "broken" is invalid');
      expect(r.stderr).toContain('spec.addresses[0]');
      expect(r.stderr).toContain('spec.autoAssign');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pool status', () => {
  it('counts per family, and coalesces writes while Services come and go', async () => {
    await applyPool(cluster, 'dual', { addresses: ['192.0.2.0/26', '2001:db8::/120'] });
    await startController(cluster, { poolStatusIntervalMs: 500 });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        createService(cluster, ns, `s${i}`, {
          spec: { ipFamilyPolicy: i % 2 ? 'PreferDualStack' : 'SingleStack' },
        }),
      ),
    );
    const p = await poolWhere('dual', (x) => x.status?.assignedIPv4 === 40 && x.status.assignedIPv6 === 20);
    expect(p.status).toMatchObject({ availableIPv4: 24, availableIPv6: 236, observedGeneration: 1 });
    const started = Date.now();
    await sleep(700);
    const patches = cluster.emu
      .requests()
      .filter((r) => r.method === 'PATCH' && r.path === '/apis/ironlb.io/v1beta1/ipaddresspools/dual/status');
    // 40 Services (60 addresses) changed the counts; at most one pass per 500 ms wrote them.
    expect(patches.length).toBeGreaterThan(0);
    expect(patches.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started + 5_000) / 500));
    expect(patches.length).toBeLessThan(20);
  });
});
