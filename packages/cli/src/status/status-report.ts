// `ironlb status`: pools with assigned/available addresses, LoadBalancer Services with their
// addresses, mode and announcers, speakers with their sessions, and every problem found.
// Pure: a ClusterModel in, a plain report out (what `-o json|yaml` prints).
import { defaultClassFilter, isHandled, type Service } from '@ironlb/controller';
import {
  allocatedPool,
  allocationCondition,
  ingressIPs,
  serviceKeyOf,
  type ClusterModel,
} from '../cluster/cluster-model.js';

export interface FamilyUsage {
  readonly assigned: number;
  readonly available: number;
}

export interface PoolReport {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly autoAssign: boolean;
  readonly modes: readonly ('layer2' | 'bgp')[];
  readonly ipv4?: FamilyUsage;
  readonly ipv6?: FamilyUsage;
  /** False when the pool is invalid (its last valid version, if any, is in use). */
  readonly valid: boolean;
}

export interface ServiceReport {
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  readonly pool?: string;
  readonly modes: readonly ('layer2' | 'bgp')[];
  /** `announced`: a speaker announces every address; `pending`: no address yet. */
  readonly state: 'announced' | 'notAnnounced' | 'pending';
  /** Layer 2: the node that answers for the addresses. */
  readonly layer2Node?: string;
  /** BGP: the nodes advertising, and to which peers. */
  readonly bgpNodes: readonly string[];
  readonly bgpPeers: readonly string[];
  /** Pending: the allocator's reason (`poolExhausted`, ...) and message. */
  readonly reason?: string;
  readonly message?: string;
}

export interface SpeakerReport {
  readonly node: string;
  readonly alive: boolean;
  readonly announced: number;
  readonly bgpSessions: readonly { peer: string; state: string }[];
  readonly lastUpdate?: string;
}

export interface StatusReport {
  readonly pools: PoolReport[];
  readonly services: ServiceReport[];
  readonly speakers: SpeakerReport[];
  readonly controller: { readonly leader?: string };
  readonly problems: string[];
}

function usage(assigned: number | undefined, available: number | undefined): FamilyUsage | undefined {
  return assigned === undefined && available === undefined
    ? undefined
    : { assigned: assigned ?? 0, available: available ?? 0 };
}

export function buildStatusReport(model: ClusterModel): StatusReport {
  const { snapshot, built } = model;
  const problems: string[] = [];
  for (const p of built.problems)
    if (p.severity === 'error') problems.push(`${p.kind} ${p.name}: ${p.reason}: ${p.message}`);

  const pools: PoolReport[] = snapshot.pools
    .map((pool) => {
      const st = pool.status ?? {};
      const ipv4 = usage(st.assignedIPv4, st.availableIPv4);
      const ipv6 = usage(st.assignedIPv6, st.availableIPv6);
      return {
        name: pool.metadata.name,
        addresses: pool.spec.addresses,
        autoAssign: pool.spec.autoAssign ?? true,
        modes: model.poolModes.get(pool.metadata.name) ?? [],
        ...(ipv4 && ipv4.assigned + ipv4.available > 0 ? { ipv4 } : {}),
        ...(ipv6 && ipv6.assigned + ipv6.available > 0 ? { ipv6 } : {}),
        valid:
          built.config.ipAddressPools.get(pool.metadata.name)?.object.metadata.generation ===
          pool.metadata.generation,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const pool of pools) {
    if (pool.modes.length === 0 && pool.valid)
      problems.push(
        `IPAddressPool ${pool.name}: no L2Advertisement or BGPAdvertisement covers it, so its addresses are not announced`,
      );
    for (const [family, u] of [
      ['IPv4', pool.ipv4],
      ['IPv6', pool.ipv6],
    ] as const)
      if (u && u.available === 0 && u.assigned > 0)
        problems.push(`IPAddressPool ${pool.name}: no free ${family} address (${u.assigned} assigned)`);
  }

  const services = snapshot.services
    .filter((svc: Service) => isHandled(svc, defaultClassFilter))
    .map((svc) => serviceReport(model, svc, problems))
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));

  const speakers: SpeakerReport[] = snapshot.speakers
    .map((s) => ({
      node: s.spec.nodeName,
      alive: model.aliveSpeakers.has(s.spec.nodeName),
      announced: s.status?.announcedIPs ?? (s.status?.announcements ?? []).length,
      bgpSessions: (s.status?.bgpSessions ?? []).map((b) => ({ peer: b.peer, state: b.state })),
      ...(s.status?.lastUpdateTime ? { lastUpdate: s.status.lastUpdateTime } : {}),
    }))
    .sort((a, b) => a.node.localeCompare(b.node));
  const withSpeaker = new Set(speakers.map((s) => s.node));
  for (const node of snapshot.nodes) {
    const name = node.metadata?.name ?? '';
    if (name && !withSpeaker.has(name))
      problems.push(`node ${name}: no speaker has reported (SpeakerStatus ${name} is missing)`);
  }
  for (const s of speakers) {
    if (!s.alive)
      problems.push(
        `speaker ${s.node}: not alive in the membership view${model.membershipSource ? ` of ${model.membershipSource}` : ''}`,
      );
    for (const b of s.bgpSessions)
      if (b.state !== 'Established')
        problems.push(`speaker ${s.node}: BGP session to ${b.peer} is ${b.state}`);
  }
  const leader = snapshot.controllerLease?.spec?.holderIdentity;
  if (!leader)
    problems.push(
      'controller: no replica holds the Lease ironlb-system/ironlb-controller (is the controller running?)',
    );
  return { pools, services, speakers, controller: leader ? { leader } : {}, problems };
}

function serviceReport(model: ClusterModel, svc: Service, problems: string[]): ServiceReport {
  const key = serviceKeyOf(svc);
  const ips = ingressIPs(svc);
  const pool = allocatedPool(svc);
  const modes = pool ? (model.poolModes.get(pool) ?? []) : [];
  const cond = allocationCondition(svc);
  const base = {
    namespace: svc.metadata.namespace,
    name: svc.metadata.name,
    ips,
    ...(pool ? { pool } : {}),
    modes,
  };
  if (ips.length === 0) {
    const reason = cond?.status === 'False' ? cond.reason : 'waiting';
    const message =
      cond?.status === 'False' ? cond.message : 'the controller has not given it an address yet';
    problems.push(`Service ${key}: no address: ${reason}: ${message} (ironlb explain svc ${key})`);
    return { ...base, state: 'pending', bgpNodes: [], bgpPeers: [], reason, message };
  }
  const by = ips.flatMap((ip) => model.announcements.get(ip) ?? []);
  const l2 = by.filter((a) => a.protocol === 'layer2').map((a) => a.node);
  const bgp = by.filter((a) => a.protocol === 'bgp');
  const bgpNodes = [...new Set(bgp.map((a) => a.node))].sort();
  const bgpPeers = [...new Set(bgp.flatMap((a) => a.peers))].sort();
  const announced = ips.every((ip) => (model.announcements.get(ip) ?? []).length > 0);
  if (!announced)
    problems.push(
      `Service ${key}: ${ips.join(', ')} ${modes.length === 0 ? 'is in no announced pool' : 'is not announced by any speaker'} (ironlb explain svc ${key})`,
    );
  if (new Set(l2).size > 1)
    problems.push(`Service ${key}: several nodes answer for it in layer 2 (${[...new Set(l2)].join(', ')})`);
  return {
    ...base,
    state: announced ? 'announced' : 'notAnnounced',
    ...(l2[0] ? { layer2Node: l2[0] } : {}),
    bgpNodes,
    bgpPeers,
  };
}
