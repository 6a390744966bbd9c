// Upgrades: a rolling restart of the speakers (one node at a time, SIGTERM then a new process,
// as a DaemonSet update with maxUnavailable 1 does) in the lab, with
//   - BGP: graceful restart on the lab's BGPPeer, so the router keeps every node's route while
//     its speaker restarts: the Service route is never missing from the router's table, and the
//     client's requests to the BGP Service never fail;
//   - layer 2: ten Service addresses spread over the nodes; on the wire (gratuitous ARP seen by
//     the client) each address moves only when its own node restarts: once away, to its
//     next-ranked node, and once back when the node's new speaker is ready. No address of
//     another node moves, nothing flaps.
// And throughout, the emulator (RBAC enforced) refuses none of the ServiceAccounts' requests:
// the shipped RBAC is sufficient. The lab runs the CLI from source here (tests never need a build).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpKubeApi, loadKubeConfig } from '@ironlb/kube';
import { labDown, labLayout, labUp, restartSpeakers, silentProgress, type LabStatus } from '@ironlb/lab';
import {
  attachLab,
  requireRoot,
  sleep,
  startCapture,
  summarizeFrame,
  waitFor,
  type Netns,
} from '@ironlb/netlab';

const repoRoot = new URL('../../', import.meta.url).pathname;
const layout = labLayout({ name: `r${randomBytes(3).toString('hex')}` });
const cli = [
  process.execPath,
  '--conditions=@ironlb/source',
  '--import',
  'tsx',
  join(repoRoot, 'packages/cli/src/bin.ts'),
];
const EXTRA = 10;
let status: LabStatus;
let api: HttpKubeApi;
let client: Netns;
let router: Netns;

interface SpeakerStatusList {
  items: { spec: { nodeName: string }; status?: { announcements?: { ip: string; protocol: string }[] } }[];
}

/** Layer-2 address -> the node whose speaker reports announcing it. */
async function l2Owners(): Promise<Map<string, string>> {
  const list = await api.request<SpeakerStatusList>({
    method: 'GET',
    path: '/apis/ironlb.io/v1beta1/speakerstatuses',
  });
  const owners = new Map<string, string>();
  for (const s of list.items)
    for (const a of s.status?.announcements ?? [])
      if (a.protocol === 'layer2') owners.set(a.ip, s.spec.nodeName);
  return owners;
}

async function l2Addresses(): Promise<string[]> {
  const list = await api.request<{
    items: { metadata: { name: string }; status?: { loadBalancer?: { ingress?: { ip: string }[] } } }[];
  }>({
    method: 'GET',
    path: '/api/v1/namespaces/demo/services',
  });
  return list.items
    .filter((s) => s.metadata.name !== 'web-bgp')
    .flatMap((s) => (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip));
}

beforeAll(async () => {
  requireRoot();
  status = await labUp({ layout, cli, progress: silentProgress, timeoutMs: 90_000 });
  api = new HttpKubeApi(loadKubeConfig(layout.kubeconfig));
  const lab = attachLab(layout.netlabName);
  client = lab.get('client');
  router = lab.get('router');
  const nodes = status.nodes.map((n) => n.name);
  for (let i = 1; i <= EXTRA; i++) {
    await api.request({
      method: 'POST',
      path: '/api/v1/namespaces/demo/services',
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `l2-${i}`, namespace: 'demo' },
        spec: { type: 'LoadBalancer', selector: { app: `l2-${i}` }, ports: [{ port: 80, protocol: 'TCP' }] },
      },
    });
    await api.request({
      method: 'POST',
      path: '/apis/discovery.k8s.io/v1/namespaces/demo/endpointslices',
      body: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `l2-${i}-lab`,
          namespace: 'demo',
          labels: { 'kubernetes.io/service-name': `l2-${i}` },
        },
        addressType: 'IPv4',
        endpoints: nodes.map((n, j) => ({
          addresses: [`10.244.${j + 1}.${10 + i}`],
          conditions: { ready: true },
          nodeName: n,
        })),
      },
    });
  }
  await waitFor(
    async () => {
      const [ips, owners] = await Promise.all([l2Addresses(), l2Owners()]);
      return ips.length === EXTRA + 1 && ips.every((ip) => owners.has(ip));
    },
    { timeoutMs: 60_000, intervalMs: 500, description: 'every layer-2 Service announced' },
  );
}, 240_000);

afterAll(async () => {
  api?.close();
  await labDown(layout);
}, 60_000);

describe('rolling restart of the speakers (upgrade)', () => {
  it('keeps the BGP route at the router and moves each layer-2 address at most once away and once back', async () => {
    const before = await l2Owners();
    const bgpIp = status.services.find((s) => s.name === 'web-bgp')?.ips[0] as string;
    const macToNode = new Map(status.nodes.map((n) => [n.mac, n.name]));
    const capture = await startCapture(client, { filter: 'arp', name: 'rolling-restart' });

    // The router's view of the BGP Service route and the client's requests, every 100 ms.
    let sampling = true;
    const route = { samples: 0, missing: 0, minNextHops: Infinity };
    const requests = { ok: 0, failed: 0 };
    const routeSampler = (async () => {
      while (sampling) {
        const r = await router.exec(['ip', '-j', 'route', 'show', `${bgpIp}/32`], { timeoutMs: 5000 });
        const entry = (JSON.parse(r.stdout || '[]') as { nexthops?: unknown[]; gateway?: string }[])[0];
        route.samples++;
        if (!entry) route.missing++;
        else
          route.minNextHops = Math.min(route.minNextHops, entry.nexthops?.length ?? (entry.gateway ? 1 : 0));
        await sleep(100);
      }
    })();
    const requestSampler = (async () => {
      while (sampling) {
        const r = await client.exec(
          ['curl', '-sS', '--noproxy', '*', '--max-time', '2', `http://${bgpIp}/`],
          { timeoutMs: 5000 },
        );
        if (r.code === 0) requests.ok++;
        else requests.failed++;
        await sleep(100);
      }
    })();

    const steps = await restartSpeakers(layout, { settleMs: 3000 });
    // Every address back with its owner (the speakers write their status at most every 2 s).
    await waitFor(
      async () => {
        const now = await l2Owners();
        return [...before].every(([ip, node]) => now.get(ip) === node);
      },
      { timeoutMs: 30_000, intervalMs: 500, description: 'every layer-2 address back with its owner' },
    );
    sampling = false;
    await Promise.all([routeSampler, requestSampler]);
    const pcap = await capture.stop();

    // Owner timeline per address, from the gratuitous ARP each new owner sends.
    const timeline = new Map<string, string[]>([...before].map(([ip, node]) => [ip, [node]]));
    for (const record of pcap.records) {
      const arp = summarizeFrame(record.data)?.arp;
      if (!arp || arp.senderIp !== arp.targetIp) continue;
      const seq = timeline.get(arp.senderIp);
      const node = macToNode.get(arp.senderMac) ?? arp.senderMac;
      if (seq && seq.at(-1) !== node) seq.push(node);
    }
    const moves = [...timeline].map(([ip, seq]) => ({ ip, owners: seq, moves: seq.length - 1 }));
    console.log(
      JSON.stringify({
        steps: steps.map((s) => ({
          node: s.node,
          stopMs: Math.round(s.stopMs),
          readyMs: Math.round(s.readyMs),
        })),
        route,
        requests,
        moves,
      }),
    );

    expect(steps.map((s) => s.node)).toEqual(['node1', 'node2', 'node3']);
    expect(route.samples).toBeGreaterThan(20);
    expect(route.missing).toBe(0);
    expect(requests.failed).toBe(0);
    for (const m of moves) {
      // Away to one other node and back home, or not at all (its node's restart was seamless).
      expect(m.moves, `${m.ip}: ${m.owners.join(' -> ')}`).toBeLessThanOrEqual(2);
      if (m.moves === 2) expect(m.owners[2]).toBe(m.owners[0]);
      if (m.moves === 1) throw new Error(`${m.ip} did not come back: ${m.owners.join(' -> ')}`);
    }
    expect(moves.some((m) => m.moves === 2)).toBe(true);

    // All along, the controller and the speakers worked with exactly the shipped RBAC: the
    // emulator (RBAC enforced) refused none of their requests.
    const log = await api.request<{ user: string; status: number; method: string; path: string }[]>({
      method: 'GET',
      path: '/__emu/requests',
    });
    const ours = log.filter((r) => r.user.startsWith('system:serviceaccount:ironlb-system:'));
    expect(new Set(ours.map((r) => r.user))).toEqual(
      new Set([
        'system:serviceaccount:ironlb-system:ironlb-controller',
        'system:serviceaccount:ironlb-system:ironlb-speaker',
      ]),
    );
    expect(ours.filter((r) => r.status === 401 || r.status === 403)).toEqual([]);
  }, 300_000);
});
