// `ironlb status` and `ironlb explain svc` against an API server (the emulator) holding a
// cluster written by hand: pools with the status the controller writes, Services with and
// without addresses, EndpointSlices, Nodes (one NotReady) and the SpeakerStatus objects the
// speakers write. The reports are checked in detail in-process, and the commands end to end
// (text, -o json, kubectl plugin, one-line errors).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildClusterModel,
  buildStatusReport,
  explainService,
  findService,
  readClusterSnapshot,
  type ClusterModel,
  type StatusReport,
} from '@ironlb/cli';
import { crdManifests } from '@ironlb/config';
import { startEmulator, type Emulator } from '@ironlb/emulator';
import { HttpKubeApi, loadKubeConfig, PatchType } from '@ironlb/kube';
import { electionHash } from '@ironlb/speaker';
import { ironlb, Workspace } from './helpers.js';

let emu: Emulator;
let ws: Workspace;
let api: HttpKubeApi;

const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const condition = (type: string, status: string, reason: string, message: string) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: now,
});

async function create(path: string, body: unknown, status?: unknown): Promise<void> {
  const created = await api.request<{ metadata: { name: string } }>({ method: 'POST', path, body });
  if (status !== undefined)
    await api.request({
      method: 'PATCH',
      path: `${path}/${created.metadata.name}/status`,
      contentType: PatchType.merge,
      body: { status },
    });
}

const ironlbPath = (plural: string) => `/apis/ironlb.io/v1beta1/${plural}`;

/** The layer-2 owner every speaker elects among `nodes` for `ip` (no preferences). */
function owner(ip: string, nodes: string[]): string {
  return [...nodes].sort((a, b) => electionHash(a, ip) - electionHash(b, ip))[0] as string;
}

function service(name: string, opts: { pool?: string; ip?: string; cond?: ReturnType<typeof condition> }) {
  return {
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace: 'shop',
        annotations: { ...(opts.pool ? { 'ironlb.io/address-pool': opts.pool } : {}) },
      },
      spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80, protocol: 'TCP' }] },
    },
    status: {
      ...(opts.ip ? { loadBalancer: { ingress: [{ ip: opts.ip }] } } : {}),
      ...(opts.cond ? { conditions: [opts.cond] } : {}),
    },
  };
}

async function seed(): Promise<void> {
  for (const [name, ready] of [
    ['node1', 'True'],
    ['node2', 'True'],
    ['node3', 'False'],
  ] as const)
    await create(
      '/api/v1/nodes',
      { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } },
      { conditions: [{ type: 'Ready', status: ready }] },
    );
  await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  const pool = (name: string, spec: object, status: object) =>
    create(
      ironlbPath('ipaddresspools'),
      { apiVersion: 'ironlb.io/v1beta1', kind: 'IPAddressPool', metadata: { name }, spec },
      status,
    );
  await pool('web', { addresses: ['198.51.100.1-198.51.100.2'] }, { assignedIPv4: 2, availableIPv4: 0 });
  await pool(
    'bgp',
    { addresses: ['203.0.113.0/28'], autoAssign: false },
    { assignedIPv4: 1, availableIPv4: 15 },
  );
  await pool('idle', { addresses: ['2001:db8:5::/120'] }, { assignedIPv6: 0, availableIPv6: 256 });
  const obj = (kind: string, name: string, spec: object) => ({
    apiVersion: 'ironlb.io/v1beta1',
    kind,
    metadata: { name },
    spec,
  });
  await create(ironlbPath('l2advertisements'), obj('L2Advertisement', 'web', { ipAddressPools: ['web'] }));
  await create(
    ironlbPath('bgppeers'),
    obj('BGPPeer', 'tor', { myASN: 64513, peerASN: 64512, peerAddress: '192.0.2.1' }),
  );
  await create(ironlbPath('bgpadvertisements'), obj('BGPAdvertisement', 'bgp', { ipAddressPools: ['bgp'] }));

  const allocated = (ip: string, pool: string) =>
    condition('ironlb.io/AddressAllocated', 'True', 'allocated', `${ip} from pool ${pool}`);
  for (const [name, o] of [
    ['front', { ip: '198.51.100.1', pool: undefined, cond: allocated('198.51.100.1', 'web') }],
    ['back', { ip: '198.51.100.2', pool: undefined, cond: allocated('198.51.100.2', 'web') }],
    ['api', { ip: '203.0.113.1', pool: 'bgp', cond: allocated('203.0.113.1', 'bgp') }],
    [
      'pending',
      {
        cond: condition(
          'ironlb.io/AddressAllocated',
          'False',
          'poolExhausted',
          'pool web has no free IPv4 address: 2 of 2 assigned',
        ),
      },
    ],
  ] as const) {
    const s = service(name, o);
    await create('/api/v1/namespaces/shop/services', s.body, s.status);
    // The annotation the controller writes with the address.
    if ('ip' in o)
      await api.request({
        method: 'PATCH',
        path: `/api/v1/namespaces/shop/services/${name}`,
        contentType: PatchType.merge,
        body: {
          metadata: {
            annotations: { 'ironlb.io/ip-allocated-from-pool': o.ip.startsWith('203') ? 'bgp' : 'web' },
          },
        },
      });
    // Endpoints on node1 and node3 (back has none anywhere).
    if (name !== 'back')
      await create('/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices', {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${name}-1`, namespace: 'shop', labels: { 'kubernetes.io/service-name': name } },
        addressType: 'IPv4',
        endpoints: ['node1', 'node3'].map((n, i) => ({
          addresses: [`10.244.${i}.5`],
          conditions: { ready: true },
          nodeName: n,
        })),
      });
  }
  // The speakers' reports: node1 and node2 alive (node3's speaker is gone), front announced
  // by its elected owner, api over BGP by both.
  const frontOwner = owner('198.51.100.1', ['node1', 'node2']);
  const members = [
    { node: 'node1', state: 'Alive' },
    { node: 'node2', state: 'Alive' },
    { node: 'node3', state: 'Dead' },
  ];
  for (const node of ['node1', 'node2'])
    await create(
      ironlbPath('speakerstatuses'),
      {
        apiVersion: 'ironlb.io/v1beta1',
        kind: 'SpeakerStatus',
        metadata: { name: node },
        spec: { nodeName: node },
      },
      {
        lastUpdateTime: now,
        members,
        bgpSessions: [
          { peer: 'tor', peerAddress: '192.0.2.1', state: node === 'node1' ? 'Established' : 'Active' },
        ],
        announcements: [
          ...(node === frontOwner
            ? [
                {
                  ip: '198.51.100.1',
                  protocol: 'layer2',
                  interfaces: ['*'],
                  service: { namespace: 'shop', name: 'front' },
                },
              ]
            : []),
          { ip: '203.0.113.1', protocol: 'bgp', peers: ['tor'], service: { namespace: 'shop', name: 'api' } },
        ],
      },
    );
}

let model: ClusterModel;
let report: StatusReport;

beforeAll(async () => {
  emu = await startEmulator();
  ws = new Workspace(emu);
  api = new HttpKubeApi(loadKubeConfig(ws.kubeconfig));
  for (const crd of crdManifests())
    await api.request({
      method: 'POST',
      path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      body: crd,
    });
  await seed();
  model = buildClusterModel(await readClusterSnapshot(api));
  report = buildStatusReport(model);
});
afterAll(async () => {
  api?.close();
  ws?.cleanup();
  await emu?.close();
});

describe('ironlb status (report)', () => {
  it('lists pools with their counts and modes', () => {
    expect(report.pools.map((p) => [p.name, p.modes, p.ipv4 ?? p.ipv6, p.autoAssign])).toEqual([
      ['bgp', ['bgp'], { assigned: 1, available: 15 }, false],
      ['idle', [], { assigned: 0, available: 256 }, true],
      ['web', ['layer2'], { assigned: 2, available: 0 }, true],
    ]);
  });

  it('lists Services with addresses, announcers, and the pending one with its reason', () => {
    const byName = Object.fromEntries(report.services.map((s) => [s.name, s]));
    expect(byName['front']).toMatchObject({
      state: 'announced',
      ips: ['198.51.100.1'],
      pool: 'web',
      layer2Node: owner('198.51.100.1', ['node1', 'node2']),
    });
    expect(byName['api']).toMatchObject({
      state: 'announced',
      bgpNodes: ['node1', 'node2'],
      bgpPeers: ['tor'],
    });
    expect(byName['back']).toMatchObject({ state: 'notAnnounced' });
    expect(byName['pending']).toMatchObject({ state: 'pending', reason: 'poolExhausted' });
  });

  it('reports the problems: full pool, unannounced pool, pending and unannounced Services, session down, missing speaker, no leader', () => {
    const text = report.problems.join('\n');
    expect(text).toContain('IPAddressPool web: no free IPv4 address (2 assigned)');
    expect(text).toContain('IPAddressPool idle: no L2Advertisement or BGPAdvertisement covers it');
    expect(text).toContain('Service shop/pending: no address: poolExhausted');
    expect(text).toContain('Service shop/back: 198.51.100.2 is not announced by any speaker');
    expect(text).toContain('speaker node2: BGP session to tor is Active');
    expect(text).toContain('node node3: no speaker has reported');
    expect(text).toContain('controller: no replica holds the Lease');
  });
});

describe('ironlb explain svc (report)', () => {
  it('announced Service: the pool it holds, the ranking of eligible nodes, node3 not eligible, nothing to fix', () => {
    const e = explainService(model, findService(model, 'shop/front'));
    expect(e.allocation.pools.find((p) => p.pool === 'web')).toMatchObject({ outcome: 'holds' });
    expect(e.allocation.pools.find((p) => p.pool === 'bgp')).toMatchObject({ outcome: 'skipped' });
    const addr = e.announcement?.addresses[0];
    const first = owner('198.51.100.1', ['node1', 'node2']);
    expect(addr?.owner).toBe(first);
    expect(addr?.nodes.map((n) => [n.node, n.rank, n.layer2])).toEqual([
      [first, 1, 'owner'],
      [first === 'node1' ? 'node2' : 'node1', 2, 'notOwner'],
      ['node3', undefined, 'nodeNotReady'],
    ]);
    expect(addr?.reported.map((r) => r.node)).toEqual([first]);
    expect(e.fixes).toEqual([]);
  });

  it('pending Service: every pool considered with its reason, and what to fix', () => {
    const e = explainService(model, findService(model, 'shop/pending'));
    expect(e.allocation.ips).toEqual([]);
    expect(e.allocation.pools.map((p) => [p.pool, p.outcome, p.reason])).toEqual(
      expect.arrayContaining([
        ['web', 'refused', 'poolExhausted'],
        ['bgp', 'skipped', undefined],
        ['idle', 'refused', 'familyUnavailable'],
      ]),
    );
    expect(e.allocation.predicted).toMatchObject({ ok: false, reason: 'poolExhausted' });
    expect(e.fixes[0]).toMatch(/add addresses to a pool's spec.addresses/);
    expect(e.announcement).toBeUndefined();
  });

  it('a Service with an address nobody may announce: no serving endpoints', () => {
    const e = explainService(model, findService(model, 'shop/back'));
    expect(e.announcement?.addresses[0]?.nodes.every((n) => n.layer2 === 'noServingEndpoints')).toBe(true);
    expect(e.fixes.join('\n')).toContain('no endpoint of the Service is ready or serving');
  });

  it('BGP Service: each eligible node advertises; node3 is not ready', () => {
    const e = explainService(model, findService(model, 'shop/api'));
    expect(e.announcement?.modes).toEqual(['bgp']);
    expect(Object.fromEntries(e.announcement!.addresses[0]!.nodes.map((n) => [n.node, n.bgp]))).toEqual({
      node1: 'advertised',
      node2: 'advertised',
      node3: 'nodeNotReady',
    });
  });
});

describe('the commands', () => {
  it('ironlb status prints the tables and problems; -o json is the report', async () => {
    const text = await ironlb(['status', '--kubeconfig', ws.kubeconfig]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/web\s+layer2\s+IPv4\s+2\s+0\s+\[#{20}\] 100%/);
    expect(text.stdout).toContain('shop/pending');
    expect(text.stdout).toContain('PENDING: poolExhausted');
    expect(text.stdout).toMatch(/PROBLEMS \(\d+\)/);
    const json = await ironlb(['status', '--kubeconfig', ws.kubeconfig, '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('ironlb explain svc: text for people, yaml for scripts; also as kubectl ironlb', async () => {
    const text = await ironlb(['explain', 'svc', 'shop/pending', '--kubeconfig', ws.kubeconfig]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('web   refused (poolExhausted)');
    expect(text.stdout).toContain('TO FIX');
    const plugin = await ws.plugin(['explain', 'svc', 'shop/front', '-o', 'yaml']);
    expect(plugin.code, plugin.stderr).toBe(0);
    expect(plugin.stdout).toContain('layer2: owner');
  });

  it('errors are one line: unknown Service, unreachable API, missing kubeconfig', async () => {
    const missing = await ironlb(['explain', 'svc', 'shop/nope', '--kubeconfig', ws.kubeconfig]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'ironlb: Service shop/nope not found (write it as <namespace>/<name>; `kubectl get svc -A` lists them)\n',
    );
    const down = ws.file('down.kubeconfig', emu.kubeconfig().replace(/:\d+(\/|\n|")/, ':1$1'));
    const unreachable = await ironlb(['status', '--kubeconfig', down]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(/^ironlb: cannot reach the Kubernetes API at http:\/\/127\.0\.0\.1:1/);
    const noFile = await ironlb(['status', '--kubeconfig', '/nonexistent']);
    expect(noFile.stderr).toBe('ironlb: kubeconfig /nonexistent does not exist\n');
  });
});
