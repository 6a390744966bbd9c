// Derived views of a ClusterSnapshot that `status` and `explain` share: the configuration as
// IronLB's validation sees it, which announcement modes cover each pool, who announces each
// address according to the speakers, and which speakers are alive.
import {
  buildConfig,
  toSpeakerConfig,
  type BuildResult,
  type Condition,
  type SpeakerConfig,
  type SpeakerStatus,
} from '@ironlb/config';
import { ADDRESS_ALLOCATED, ALLOCATED_FROM_POOL, type Service } from '@ironlb/controller';
import type { ClusterSnapshot } from './cluster-snapshot.js';

export interface ClusterModel {
  readonly snapshot: ClusterSnapshot;
  readonly built: BuildResult;
  readonly speakerConfig: SpeakerConfig;
  /** Pool -> announcement modes (`layer2`, `bgp`) whose advertisements cover it. */
  readonly poolModes: ReadonlyMap<string, readonly ('layer2' | 'bgp')[]>;
  /** Address -> the speakers that report announcing it, with protocol and peers. */
  readonly announcements: ReadonlyMap<string, readonly AnnouncedBy[]>;
  /** Nodes whose speaker the most recent SpeakerStatus sees alive (or all with a status when none says). */
  readonly aliveSpeakers: ReadonlySet<string>;
  /** Where the membership view comes from (`node2`), when any speaker reported one. */
  readonly membershipSource?: string;
}

export interface AnnouncedBy {
  readonly node: string;
  readonly protocol: 'layer2' | 'bgp';
  readonly peers: readonly string[];
  readonly interfaces: readonly string[];
}

export function serviceKeyOf(svc: Service): string {
  return `${svc.metadata.namespace}/${svc.metadata.name}`;
}

export function ingressIPs(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
}

export function allocatedPool(svc: Service): string | undefined {
  return svc.metadata.annotations?.[ALLOCATED_FROM_POOL];
}

export function allocationCondition(svc: Service): Condition | undefined {
  return (svc.status?.conditions ?? []).find((c) => c.type === ADDRESS_ALLOCATED) as Condition | undefined;
}

function lastUpdate(s: SpeakerStatus): number {
  const t = Date.parse(s.status?.lastUpdateTime ?? '');
  return Number.isNaN(t) ? 0 : t;
}

export function buildClusterModel(snapshot: ClusterSnapshot): ClusterModel {
  const built = buildConfig(undefined, {
    ipAddressPools: snapshot.pools,
    l2Advertisements: snapshot.l2Advertisements,
    bgpAdvertisements: snapshot.bgpAdvertisements,
    bgpPeers: snapshot.bgpPeers,
    bfdProfiles: snapshot.bfdProfiles,
  });
  const poolModes = new Map<string, ('layer2' | 'bgp')[]>();
  const add = (pool: string, mode: 'layer2' | 'bgp') => {
    const modes = poolModes.get(pool) ?? [];
    if (!modes.includes(mode)) modes.push(mode);
    poolModes.set(pool, modes);
  };
  for (const ad of built.config.l2Advertisements.values()) for (const p of ad.config.pools) add(p, 'layer2');
  for (const ad of built.config.bgpAdvertisements.values()) for (const p of ad.config.pools) add(p, 'bgp');

  // The freshest speaker's view of its peers decides who is alive.
  const freshest = [...snapshot.speakers].sort((a, b) => lastUpdate(b) - lastUpdate(a))[0];
  const members = freshest?.status?.members ?? [];
  const aliveSpeakers = new Set(
    members.length > 0
      ? members.filter((m) => m.state === 'Alive').map((m) => m.node)
      : snapshot.speakers.map((s) => s.spec.nodeName),
  );
  const announcements = new Map<string, AnnouncedBy[]>();
  for (const s of snapshot.speakers) {
    if (!aliveSpeakers.has(s.spec.nodeName)) continue;
    for (const a of s.status?.announcements ?? []) {
      const list = announcements.get(a.ip) ?? [];
      list.push({
        node: s.spec.nodeName,
        protocol: a.protocol,
        peers: a.peers ?? [],
        interfaces: a.interfaces ?? [],
      });
      announcements.set(a.ip, list);
    }
  }
  for (const list of announcements.values()) list.sort((a, b) => a.node.localeCompare(b.node));
  return {
    snapshot,
    built,
    speakerConfig: toSpeakerConfig(built.config),
    poolModes,
    announcements,
    aliveSpeakers,
    ...(freshest && members.length > 0 ? { membershipSource: freshest.spec.nodeName } : {}),
  };
}
