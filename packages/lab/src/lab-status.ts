// `ironlb lab status`: what runs, where, and what the sample (and any other) LoadBalancer
// Services got: their addresses, how they are announced and by which nodes (from the
// speakers' SpeakerStatus objects), and a router's-eye view of the BGP sessions.
import { existsSync } from 'node:fs';
import {
  buildConfig,
  type BFDProfile,
  type BGPAdvertisement,
  type BGPPeer,
  type IPAddressPool,
  type L2Advertisement,
  type SpeakerStatus,
} from '@ironlb/config';
import { HttpKubeApi, loadKubeConfig } from '@ironlb/kube';
import { listNamespacesSync, runCommand } from '@ironlb/netlab';
import type { LabLayout } from './lab-layout.js';
import { isRunning, readLabRecord, type LabRecord } from './lab-record.js';

export interface LabNodeStatus {
  readonly name: string;
  readonly ipv4: string;
  readonly ipv6: string;
  readonly mac: string;
  readonly netns: string;
  readonly link: 'up' | 'down' | 'unknown';
  readonly speaker: 'running' | 'stopped';
  readonly speakerPid?: number;
}

export interface LabServiceStatus {
  readonly namespace: string;
  readonly name: string;
  readonly ips: string[];
  readonly pool?: string;
  /** From the advertisements that cover the Service's pool. */
  readonly mode: 'layer2' | 'bgp' | 'layer2+bgp' | 'none';
  /** Nodes whose speaker reports announcing the Service's addresses. */
  readonly announcedBy: string[];
}

export interface LabStatus {
  readonly name: string;
  readonly state: 'up' | 'degraded' | 'down';
  readonly dir: string;
  readonly kubeconfig: string;
  readonly apiServer?: string;
  readonly nodes: LabNodeStatus[];
  readonly router?: {
    readonly netns: string;
    readonly ipv4: string;
    readonly asn: number;
    readonly bgpSessions: { peer: string; state: string }[];
  };
  readonly client?: { readonly netns: string; readonly ipv4: string; readonly ipv6: string };
  readonly controllers: { readonly name: string; readonly running: boolean; readonly leader: boolean }[];
  readonly services: LabServiceStatus[];
  readonly problems: string[];
}

interface List<T> {
  items: T[];
}

interface ServiceObject {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec?: { type?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

export async function collectLabStatus(layout: LabLayout): Promise<LabStatus> {
  const record = readLabRecord(layout.recordFile);
  if (!record)
    return {
      name: layout.name,
      state: 'down',
      dir: layout.dir,
      kubeconfig: layout.kubeconfig,
      nodes: [],
      controllers: [],
      services: [],
      problems: [],
    };
  const problems: string[] = [];
  const namespaces = new Set(listNamespacesSync());
  const ns = (short: string) => `${record.netlabName}-${short}`;
  for (const short of ['sw', 'router', 'client', ...record.nodes.map((n) => n.name)])
    if (!namespaces.has(ns(short))) problems.push(`namespace ${ns(short)} is gone`);
  for (const p of record.processes)
    if (!isRunning(p)) problems.push(`${p.role} ${p.instance} is not running`);
  const nodes = await Promise.all(record.nodes.map((n) => nodeStatus(record, n, namespaces)));

  let services: LabServiceStatus[] = [];
  let leader: string | undefined;
  if (existsSync(layout.kubeconfig)) {
    const api = new HttpKubeApi(loadKubeConfig(layout.kubeconfig), { timeoutMs: 3000 });
    try {
      [services, leader] = await Promise.all([serviceStatuses(api), leaseHolder(api)]);
    } catch (err) {
      problems.push(`the API server does not answer: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      api.close();
    }
  }
  // A killed speaker's SpeakerStatus keeps its last announcements: count running speakers only.
  const live = new Set(nodes.filter((n) => n.speaker === 'running').map((n) => n.name));
  services = services.map((s) => ({ ...s, announcedBy: s.announcedBy.filter((n) => live.has(n)) }));
  const controllers = record.processes
    .filter((p) => p.role === 'controller')
    .map((p) => ({
      name: p.instance,
      running: isRunning(p),
      leader: leader?.startsWith(p.instance) ?? false,
    }));
  return {
    name: layout.name,
    state: problems.length === 0 ? 'up' : 'degraded',
    dir: layout.dir,
    kubeconfig: layout.kubeconfig,
    apiServer: record.apiServer,
    nodes,
    router: { netns: ns('router'), ipv4: '192.0.2.1', asn: 64512, bgpSessions: await routerSessions(record) },
    client: { netns: ns('client'), ipv4: '192.0.2.100', ipv6: '2001:db8::100' },
    controllers,
    services,
    problems,
  };
}

async function nodeStatus(
  record: LabRecord,
  node: LabRecord['nodes'][number],
  namespaces: Set<string>,
): Promise<LabNodeStatus> {
  const speaker = record.processes.find((p) => p.role === 'speaker' && p.instance === node.name);
  const netns = `${record.netlabName}-${node.name}`;
  let link: LabNodeStatus['link'] = 'unknown';
  if (namespaces.has(`${record.netlabName}-sw`)) {
    const r = await runCommand(
      ['ip', '-n', `${record.netlabName}-sw`, '-j', 'link', 'show', node.switchPort],
      { timeoutMs: 3000 },
    );
    if (r.code === 0)
      link = (JSON.parse(r.stdout) as { flags?: string[] }[])[0]?.flags?.includes('UP') ? 'up' : 'down';
  }
  const running = speaker !== undefined && isRunning(speaker);
  return {
    name: node.name,
    ipv4: node.ipv4,
    ipv6: node.ipv6,
    mac: node.mac,
    netns,
    link,
    speaker: running ? 'running' : 'stopped',
    ...(running && speaker ? { speakerPid: speaker.pid } : {}),
  };
}

async function routerSessions(record: LabRecord): Promise<{ peer: string; state: string }[]> {
  if (!record.routerFrrDir) return [];
  const r = await runCommand(['vtysh', '--vty_socket', record.routerFrrDir, '-c', 'show bgp summary json'], {
    timeoutMs: 5000,
  });
  if (r.code !== 0) return [];
  try {
    const summary = JSON.parse(r.stdout) as Record<string, { peers?: Record<string, { state?: string }> }>;
    const out: { peer: string; state: string }[] = [];
    for (const family of Object.values(summary))
      for (const [peer, info] of Object.entries(family.peers ?? {}))
        out.push({ peer, state: info.state ?? 'unknown' });
    return out;
  } catch {
    return [];
  }
}

async function leaseHolder(api: HttpKubeApi): Promise<string | undefined> {
  try {
    const lease = await api.request<{ spec?: { holderIdentity?: string } }>({
      method: 'GET',
      path: '/apis/coordination.k8s.io/v1/namespaces/ironlb-system/leases/ironlb-controller',
    });
    return lease.spec?.holderIdentity || undefined;
  } catch {
    return undefined;
  }
}

async function serviceStatuses(api: HttpKubeApi): Promise<LabServiceStatus[]> {
  const get = <T>(path: string) => api.request<List<T>>({ method: 'GET', path }).then((l) => l.items);
  const [svcs, pools, l2, bgp, peers, bfd, speakers] = await Promise.all([
    get<ServiceObject>('/api/v1/services'),
    get<IPAddressPool>('/apis/ironlb.io/v1beta1/ipaddresspools'),
    get<L2Advertisement>('/apis/ironlb.io/v1beta1/l2advertisements'),
    get<BGPAdvertisement>('/apis/ironlb.io/v1beta1/bgpadvertisements'),
    get<BGPPeer>('/apis/ironlb.io/v1beta1/bgppeers'),
    get<BFDProfile>('/apis/ironlb.io/v1beta1/bfdprofiles'),
    get<SpeakerStatus>('/apis/ironlb.io/v1beta1/speakerstatuses').catch(() => [] as SpeakerStatus[]),
  ]);
  const { config } = buildConfig(undefined, {
    ipAddressPools: pools,
    l2Advertisements: l2,
    bgpAdvertisements: bgp,
    bgpPeers: peers,
    bfdProfiles: bfd,
  });
  const l2Pools = new Set([...config.l2Advertisements.values()].flatMap((a) => a.config.pools));
  const bgpPools = new Set([...config.bgpAdvertisements.values()].flatMap((a) => a.config.pools));
  return svcs
    .filter((s) => s.spec?.type === 'LoadBalancer')
    .map((s) => {
      const ips = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter(Boolean);
      const pool = s.metadata.annotations?.['ironlb.io/ip-allocated-from-pool'];
      const modes = pool
        ? [l2Pools.has(pool) ? 'layer2' : '', bgpPools.has(pool) ? 'bgp' : ''].filter(Boolean)
        : [];
      const announcedBy = speakers
        .filter((sp) => (sp.status?.announcements ?? []).some((a) => ips.includes(a.ip)))
        .map((sp) => sp.spec.nodeName)
        .sort();
      return {
        namespace: s.metadata.namespace,
        name: s.metadata.name,
        ips,
        ...(pool ? { pool } : {}),
        mode: (modes.join('+') || 'none') as LabServiceStatus['mode'],
        announcedBy,
      };
    })
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}
